using Microsoft.EntityFrameworkCore;

namespace Parley.Data;

/// <summary>The PostgreSQL flavour of <see cref="ParleyDbContext"/>; owns <c>Migrations/Postgres</c>.</summary>
public sealed class PostgresParleyDbContext(DbContextOptions<PostgresParleyDbContext> options) : ParleyDbContext(options)
{
    protected override string JsonColumnType => "jsonb";

    protected override string EmptyJsonArraySql => "'[]'::jsonb";

    protected override string EmptyJsonObjectSql => "'{}'::jsonb";
}
