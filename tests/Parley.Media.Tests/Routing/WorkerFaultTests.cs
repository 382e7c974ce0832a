using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Parley.Media.Routing;
using Parley.Media.Tests.Ortc;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Routing;

/// <summary>A callback that throws on a worker costs what it belongs to, never the worker.</summary>
public sealed class WorkerFaultTests
{
    [Fact]
    public async Task A_throwing_timer_closes_its_transport_and_the_worker_keeps_forwarding()
    {
        var log = new CapturingLoggerFactory();
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.Producer(OrtcTestData.AudioOpusFile), loggerFactory: log);
        var (broken, brokenConsumer, _) = await scenario.AddConsumerAsync();
        var (_, _, healthyPeer) = await scenario.AddConsumerAsync();
        var closed = Eventually.EventAsync<Transport>(handler => broken.Closed += handler);

        await scenario.Worker.InvokeAsync(() =>
            scenario.Worker.Timers.StartPeriodic(10, () => throw new InvalidOperationException("a bug in a timer"), broken));

        Assert.Same(broken, await closed);
        Assert.Equal(TransportCloseReason.Fault, broken.CloseReason);
        Assert.True(brokenConsumer.IsClosed);
        Assert.Equal(1, scenario.Worker.FaultCount);
        Assert.Equal(0, await scenario.Worker.InvokeAsync(() => scenario.Worker.Timers.ActiveCount - ActiveTimersOfOpenTransports(scenario)));

        for (var i = 0; i < 5; i++)
        {
            scenario.Sender.SendTo(scenario.ProducerTransport.Tuple.LocalPort, TestRtp.Build(scenario.ProducerPayloadType, (ushort)i, (uint)(i * 960), scenario.ProducerSsrc, [(byte)i]));
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(new[] { (byte)i }, TestRtp.Payload(await healthyPeer.ReceiveRtpAsync()));
        }

        var error = Assert.Single(log.Entries, e => e.Id == 5002);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.IsType<InvalidOperationException>(error.Exception);
        var closedLine = Assert.Single(log.Entries, e => e.Id == 5004);
        Assert.Equal(LogLevel.Warning, closedLine.Level);
        Assert.Contains(broken.Id, closedLine.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_throwing_timer_of_nothing_is_stopped_and_counted()
    {
        await using var worker = TestWorkers.Create();
        var calls = 0;
        await worker.InvokeAsync(() => worker.Timers.StartPeriodic(5, () =>
        {
            calls++;
            throw new InvalidOperationException("a bug");
        }));

        await Eventually.TrueAsync(() => Task.FromResult(worker.FaultCount == 1), "the fault to be counted");
        Assert.Equal(0, await worker.InvokeAsync(() => worker.Timers.ActiveCount));
        Assert.Equal(1, await worker.InvokeAsync(() => calls));
        Assert.Equal(42, await worker.InvokeAsync(() => 42));
    }

    [Fact]
    public async Task A_healthy_meeting_logs_nothing_at_information()
    {
        var log = new CapturingLoggerFactory();
        var scenario = await RoutingScenario.StartAsync(OrtcTestData.Producer(OrtcTestData.AudioOpusFile), loggerFactory: log);
        var (transport, _, peer) = await scenario.AddConsumerAsync();
        scenario.Sender.SendTo(scenario.ProducerTransport.Tuple.LocalPort, TestRtp.Build(scenario.ProducerPayloadType, 1, 960, scenario.ProducerSsrc, [1]));
        await peer.ReceiveRtpAsync();
        await transport.CloseAsync();
        await scenario.DisposeAsync();

        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Information);
        Assert.Contains(log.Entries, e => e.Id == 5005 && e.Message.Contains(nameof(TransportCloseReason.Closed), StringComparison.Ordinal));
    }

    /// <summary>The RTCP and feedback timers each open transport keeps (worker thread).</summary>
    private static int ActiveTimersOfOpenTransports(RoutingScenario scenario) =>
        2 * (1 + scenario.Consumers.Count(c => !c.Transport.IsClosed));

    private sealed class CapturingLoggerFactory : ILoggerFactory
    {
        public ConcurrentQueue<(int Id, LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerFactory factory) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                factory.Entries.Enqueue((eventId.Id, logLevel, formatter(state, exception), exception));
        }
    }
}
