using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RolesAndSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "hand_raised_at",
                table: "room_user",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "co_host_ids",
                table: "room",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'[]'");

            migrationBuilder.AddColumn<string>(
                name: "settings",
                table: "room",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'{}'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "hand_raised_at",
                table: "room_user");

            migrationBuilder.DropColumn(
                name: "co_host_ids",
                table: "room");

            migrationBuilder.DropColumn(
                name: "settings",
                table: "room");
        }
    }
}
