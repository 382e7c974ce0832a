using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NodeAwareRecovery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "node_id",
                table: "recording",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "node_id",
                table: "meeting_session",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "node_id",
                table: "recording");

            migrationBuilder.DropColumn(
                name: "node_id",
                table: "meeting_session");
        }
    }
}
