using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HistoryTemplatesAndInvitations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "meeting_session",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ended_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    peak_participants = table.Column<int>(type: "INTEGER", nullable: false),
                    participant_count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_meeting_session", x => x.id);
                    table.ForeignKey(
                        name: "fk_meeting_session_room_room_id",
                        column: x => x.room_id,
                        principalTable: "room",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "room_invite",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    token = table.Column<string>(type: "TEXT", nullable: false),
                    created_by_id = table.Column<string>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    max_uses = table.Column<int>(type: "INTEGER", nullable: true),
                    uses = table.Column<int>(type: "INTEGER", nullable: false, defaultValue: 0),
                    skip_waiting_room = table.Column<bool>(type: "INTEGER", nullable: false, defaultValue: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    revoked_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_room_invite", x => x.id);
                    table.ForeignKey(
                        name: "fk_room_invite_room_room_id",
                        column: x => x.room_id,
                        principalTable: "room",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_room_invite_user_created_by_id",
                        column: x => x.created_by_id,
                        principalTable: "user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "room_member",
                columns: table => new
                {
                    room_id = table.Column<string>(type: "TEXT", nullable: false),
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_room_member", x => new { x.room_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_room_member_room_room_id",
                        column: x => x.room_id,
                        principalTable: "room",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_room_member_user_user_id",
                        column: x => x.user_id,
                        principalTable: "user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "room_template",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    owner_id = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    require_access_before_joining = table.Column<bool>(type: "INTEGER", nullable: false, defaultValue: false),
                    settings = table.Column<string>(type: "TEXT", nullable: false, defaultValueSql: "'{}'"),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_room_template", x => x.id);
                    table.ForeignKey(
                        name: "fk_room_template_user_owner_id",
                        column: x => x.owner_id,
                        principalTable: "user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "attendance",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    session_id = table.Column<string>(type: "TEXT", nullable: false),
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    joined_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    left_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    present_since = table.Column<DateTime>(type: "TEXT", nullable: true),
                    seconds = table.Column<long>(type: "INTEGER", nullable: false),
                    used_cam = table.Column<bool>(type: "INTEGER", nullable: false),
                    used_screen = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_attendance", x => x.id);
                    table.ForeignKey(
                        name: "fk_attendance_meeting_session_session_id",
                        column: x => x.session_id,
                        principalTable: "meeting_session",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_attendance_user_user_id",
                        column: x => x.user_id,
                        principalTable: "user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_attendance_session_id_user_id",
                table: "attendance",
                columns: new[] { "session_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_attendance_user_id_joined_at",
                table: "attendance",
                columns: new[] { "user_id", "joined_at" });

            migrationBuilder.CreateIndex(
                name: "ix_meeting_session_ended_at",
                table: "meeting_session",
                column: "ended_at");

            migrationBuilder.CreateIndex(
                name: "ix_meeting_session_room_id_started_at",
                table: "meeting_session",
                columns: new[] { "room_id", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_room_invite_created_by_id",
                table: "room_invite",
                column: "created_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_room_invite_room_id_created_at",
                table: "room_invite",
                columns: new[] { "room_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_room_invite_token",
                table: "room_invite",
                column: "token",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_room_member_user_id",
                table: "room_member",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_room_template_owner_id_created_at",
                table: "room_template",
                columns: new[] { "owner_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "attendance");

            migrationBuilder.DropTable(
                name: "room_invite");

            migrationBuilder.DropTable(
                name: "room_member");

            migrationBuilder.DropTable(
                name: "room_template");

            migrationBuilder.DropTable(
                name: "meeting_session");
        }
    }
}
