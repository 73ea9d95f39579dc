using Serverless.Cli.Scratch;
using Serverless.Testing;

namespace Serverless.Cli.Tests.Scratch;

/// <summary>The DAG a test run executes: found, validated and cut before anything is started.</summary>
public sealed class ScratchDagTests
{
    private static readonly string Samples = Path.Combine(RepositoryPaths.Root, ScratchDag.SampleFolder);

    [Fact]
    public async Task UpTo_ATaskWithOneUpstream_KeepsThoseTwoInDeclaredOrder()
    {
        var dag = await ScratchDag.LoadAsync(Samples, "departure-delays", CancellationToken.None);

        var cut = ScratchDag.UpTo(dag, "phl-dfw-delayed");

        Assert.Equal(["load", "phl-dfw-delayed"], cut.Tasks.Select(t => t.Id));
        Assert.Equal(dag.Params, cut.Params);
    }

    [Fact]
    public async Task UpTo_TheJoin_KeepsEveryTask()
    {
        var dag = await ScratchDag.LoadAsync(Samples, "departure-delays", CancellationToken.None);

        Assert.Equal(["load", "phl-dfw-delayed", "short-flights", "long-flights", "summary"], ScratchDag.UpTo(dag, "summary").Tasks.Select(t => t.Id));
    }

    [Fact]
    public async Task UpTo_UnknownTask_NamesTheTasksThereAre()
    {
        var dag = await ScratchDag.LoadAsync(Samples, "departure-delays", CancellationToken.None);

        var e = Assert.Throws<CliException>(() => ScratchDag.UpTo(dag, "phl-dfw"));

        Assert.Contains("no task 'phl-dfw'", e.Message, StringComparison.Ordinal);
        Assert.Contains("phl-dfw-delayed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_UnknownDag_NamesTheDagsInTheFolder()
    {
        var e = await Assert.ThrowsAsync<CliException>(() => ScratchDag.LoadAsync(Samples, "departure", CancellationToken.None));

        Assert.Contains("No DAG 'departure'", e.Message, StringComparison.Ordinal);
        Assert.Contains("departure-delays, flights-daily, hello, stocks", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_InvalidDag_ListsItsProblemsWithFileAndLine()
    {
        using var folder = ScratchFolder.Create();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "broken.yaml"), "id: broken\ntasks:\n  - id: a\n    kind: sql\n    sql: SELECT 1\n    outputs: [o]\n  - id: b\n    kind: sql\n    dependsOn: [aa]\n    sql: SELECT 2\n    outputs: [o]\n");

        var e = await Assert.ThrowsAsync<CliException>(() => ScratchDag.LoadAsync(folder.Path, "broken", CancellationToken.None));

        Assert.Contains("DAG 'broken' has problems", e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(folder.Path, "broken.yaml") + ":9:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindFolder_Nothing_IsTheCheckoutsSampleFolder_AndTheOptionWins()
    {
        Assert.Equal(Samples, ScratchDag.FindFolder(null, _ => null));
        Assert.Equal(Path.GetTempPath().TrimEnd('/'), ScratchDag.FindFolder(Path.GetTempPath(), _ => "/no/such/folder").TrimEnd('/'));
        Assert.Contains("'/no/such/folder' does not exist", Assert.Throws<CliException>(() => ScratchDag.FindFolder(null, _ => "/no/such/folder")).Message, StringComparison.Ordinal);
    }
}
