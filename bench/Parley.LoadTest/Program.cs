using System.Text.Json;
using Parley.LoadTest;

// Many WebRTC participants against one Parley server on this machine; see LoadOptions.Usage and docs/benchmarks.md.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or UriFormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupt.Cancel();
};

LoadReport report;
try
{
    report = await new LoadRun(options, Console.Error).RunAsync(interrupt.Token);
}
catch (Exception e) when (e is RateLimitedException or HttpRequestException or OperationCanceledException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

Console.WriteLine(report.ToTable());
if (options.JsonFile is { } path)
{
    await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, LoadReportJson.Options));
}

if (!report.Complete)
{
    Console.Error.WriteLine($"not every participant received every publisher's tracks ({report.ParticipantsReceivingAll} of {report.Participants} did)");
    return 1;
}

return 0;
