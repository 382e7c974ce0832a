using Parley.Media.Fuzz;

namespace Parley.Media.Tests.Fuzzing;

/// <summary>
/// Runs every checked-in fuzz input through its target in process, without AFL: the seed corpus
/// (fuzz/corpus/&lt;target&gt;/) and every crash or hang the fuzzer found (fuzz/regressions/&lt;target&gt;/).
/// A target throws only when a parser breaks an invariant, so each file must pass.
/// </summary>
public class FuzzCorpusReplayTests
{
    private static readonly string FuzzDirectory = FindFuzzDirectory();

    public static TheoryData<string> Targets => [.. FuzzTargets.All.Keys];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_corpus_and_regression_input_passes_its_target(string name)
    {
        var target = FuzzTargets.All[name];
        var corpus = Files("corpus", name);
        Assert.NotEmpty(corpus);
        foreach (var file in corpus.Concat(Files("regressions", name)))
        {
            var input = File.ReadAllBytes(file);
            var error = Record.Exception(() => target(input));
            Assert.True(error is null, $"{Path.GetRelativePath(FuzzDirectory, file)}: {error}");
        }
    }

    [Fact]
    public void Every_corpus_and_regression_folder_names_a_target()
    {
        foreach (var kind in new[] { "corpus", "regressions" })
        {
            var root = Path.Combine(FuzzDirectory, kind);
            var folders = Directory.Exists(root) ? Directory.GetDirectories(root).Select(Path.GetFileName) : [];
            Assert.All(folders, folder => Assert.Contains(folder!, FuzzTargets.All.Keys));
        }
    }

    private static string[] Files(string kind, string target)
    {
        var folder = Path.Combine(FuzzDirectory, kind, target);
        return Directory.Exists(folder) ? [.. Directory.GetFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)] : [];
    }

    private static string FindFuzzDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "fuzz", "corpus");
            if (Directory.Exists(candidate))
            {
                return Path.Combine(directory.FullName, "fuzz");
            }
        }

        throw new DirectoryNotFoundException("fuzz/corpus not found above " + AppContext.BaseDirectory);
    }
}
