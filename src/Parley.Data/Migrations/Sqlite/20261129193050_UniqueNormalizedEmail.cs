using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UniqueNormalizedEmail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_user_normalized_email",
                table: "user");

            migrationBuilder.CreateIndex(
                name: "ix_user_normalized_email",
                table: "user",
                column: "normalized_email",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_user_normalized_email",
                table: "user");

            migrationBuilder.CreateIndex(
                name: "ix_user_normalized_email",
                table: "user",
                column: "normalized_email");
        }
    }
}
