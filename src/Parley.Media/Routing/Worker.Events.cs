namespace Parley.Media.Routing;

/// <content>Events that carry a value.</content>
public sealed partial class Worker
{
    /// <summary>Raises an event with <paramref name="args"/> off the worker thread, like <see cref="RaiseEvent(EventHandler?, object)"/>.</summary>
    internal void RaiseEvent<T>(EventHandler<T>? handler, object sender, T args)
    {
        if (handler is not null)
        {
            _events.Post(() => handler(sender, args));
        }
    }
}
