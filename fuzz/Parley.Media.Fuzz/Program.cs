using Parley.Media.Fuzz;
using SharpFuzz;

// Usage: Parley.Media.Fuzz <target>            run under AFL++ (fuzz/run.sh does the rest)
//        Parley.Media.Fuzz <target> <file>...  run files once, in process (reproduce a crash)
//        Parley.Media.Fuzz --write-seeds <dir> write the seed corpus, one folder per target
if (args.Length == 2 && args[0] == "--write-seeds")
{
    SeedCorpus.Write(args[1]);
    return 0;
}

if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: Parley.Media.Fuzz <{string.Join('|', FuzzTargets.All.Keys)}> [file...]");
    return 2;
}

if (args.Length > 1)
{
    foreach (var file in args.Skip(1))
    {
        target(File.ReadAllBytes(file));
        Console.WriteLine($"ok {file}");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.GetBuffer().AsSpan(0, (int)copy.Length));
});
return 0;
