using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Parley.Server.Rooms;

public static class RoomServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="RoomService"/> (scoped), a random <see cref="IJoinCodeGenerator"/> and a do-nothing
    /// <see cref="IRoomNotifier"/>, each only when nothing else was registered first.
    /// </summary>
    public static IServiceCollection AddParleyRooms(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IJoinCodeGenerator, RandomJoinCodeGenerator>();
        services.TryAddSingleton<IRoomNotifier, NullRoomNotifier>();
        services.TryAddScoped<RoomService>();
        return services;
    }
}
