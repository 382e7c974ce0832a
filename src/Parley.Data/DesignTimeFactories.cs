using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Parley.Data;

/// <summary>Lets <c>dotnet ef migrations add X --context SqliteParleyDbContext</c> build the SQLite model.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteParleyDbContext>
{
    public SqliteParleyDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqliteParleyDbContext>();
        builder.UseParleySqlite("Data Source=design-time.db");
        return new SqliteParleyDbContext(builder.Options);
    }
}

/// <summary>Lets <c>dotnet ef migrations add X --context PostgresParleyDbContext</c> build the PostgreSQL model.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresParleyDbContext>
{
    public PostgresParleyDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PostgresParleyDbContext>();
        builder.UseParleyPostgres("Host=localhost;Database=parley_design");
        return new PostgresParleyDbContext(builder.Options);
    }
}
