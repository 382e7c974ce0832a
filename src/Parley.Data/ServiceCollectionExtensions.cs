using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Data;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ParleyDbContext"/> (scoped) and <see cref="IDbContextFactory{ParleyDbContext}"/>
    /// (singleton) on the provider that <c>Database:Provider</c> names, with <c>ConnectionStrings:Default</c>,
    /// and keeps the data-protection key ring in the database under the application name "Parley".
    /// </summary>
    /// <param name="contentRootPath">Where a relative SQLite path (the default <c>data/parley.db</c>) is anchored.</param>
    /// <exception cref="InvalidOperationException">An unknown provider, or Postgres without a connection string.</exception>
    public static IServiceCollection AddParleyData(this IServiceCollection services, IConfiguration configuration, string contentRootPath)
    {
        var provider = ParleyDbOptions.ParseProvider(configuration["Database:Provider"]);
        var connectionString = configuration.GetConnectionString("Default");
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                connectionString = ParleyDbOptions.PrepareSqliteConnectionString(
                    string.IsNullOrWhiteSpace(connectionString) ? ParleyDbOptions.DefaultSqliteConnectionString : connectionString,
                    contentRootPath);
                Register<SqliteParleyDbContext>(services, options => options.UseParleySqlite(connectionString));
                break;
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        "Database:Provider is Postgres but ConnectionStrings:Default is empty. Set ConnectionStrings__Default to an Npgsql connection string, e.g. \"Host=db;Database=parley;Username=parley;Password=...\".");
                }

                Register<PostgresParleyDbContext>(services, options => options.UseParleyPostgres(connectionString));
                break;
        }

        services.AddSingleton(new ParleyDatabaseInfo(provider));
        services.AddDataProtection()
            .PersistKeysToDbContext<ParleyDbContext>()
            .SetApplicationName("Parley");
        return services;
    }

    private static void Register<TContext>(IServiceCollection services, Action<DbContextOptionsBuilder> configure)
        where TContext : ParleyDbContext
    {
        services.AddDbContext<ParleyDbContext, TContext>(configure, ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        services.AddSingleton<IDbContextFactory<ParleyDbContext>, ParleyDbContextFactory<TContext>>();
    }
}

/// <summary>Which provider the application's <see cref="ParleyDbContext"/> runs on.</summary>
public sealed record ParleyDatabaseInfo(DatabaseProvider Provider);

/// <summary>Creates provider-specific contexts as the base type, for work outside a request scope (the hub).</summary>
internal sealed class ParleyDbContextFactory<TContext>(DbContextOptions<TContext> options) : IDbContextFactory<ParleyDbContext>
    where TContext : ParleyDbContext
{
    public ParleyDbContext CreateDbContext() => (ParleyDbContext)Activator.CreateInstance(typeof(TContext), options)!;
}
