using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Service;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Loading;

/// <summary>The catalog's reload over a real folder and the test Azurite: change detection, the last valid version, removal, and pyspark scripts named relative to the DAG file.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DagReloadTests(AzuriteFixture azurite) : IDisposable
{
    private const string Valid = "id: r\ntasks:\n  - {id: a, kind: sql, sql: SELECT 1, outputs: [o]}\n";

    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("catalog-");

    public void Dispose() => this.folder.Delete(recursive: true);

    [Fact]
    public async Task RefreshIfChanged_NothingChanged_DoesNotReloadAnEditDoes()
    {
        var file = Path.Combine(this.folder.FullName, "r.yaml");
        await File.WriteAllTextAsync(file, Valid);
        using var catalog = this.Catalog();
        await catalog.RefreshAsync();

        var unchanged = await catalog.RefreshIfChangedAsync();
        await File.WriteAllTextAsync(file, Valid.Replace("SELECT 1", "SELECT 22", StringComparison.Ordinal));
        var edited = await catalog.RefreshIfChangedAsync();

        Assert.False(unchanged);
        Assert.True(edited);
        Assert.Equal("SELECT 22", catalog.Find("r")!.Tasks[0].Sql);
    }

    [Fact]
    public async Task Refresh_BrokenEditThenRemoval_LastValidVersionActiveUntilTheFileIsGone()
    {
        var file = Path.Combine(this.folder.FullName, "r.yaml");
        await File.WriteAllTextAsync(file, Valid);
        using var catalog = this.Catalog();
        await catalog.RefreshAsync();

        await File.WriteAllTextAsync(file, Valid.Replace("outputs: [o]", "outputs: [o], dependsOn: [ghost]", StringComparison.Ordinal));
        await catalog.RefreshAsync();
        var broken = Assert.Single(await catalog.GetAllAsync());
        var active = catalog.Find("r");
        File.Delete(file);
        await catalog.RefreshAsync();

        Assert.False(broken.IsValid);
        Assert.Contains(broken.Problems, p => p.Message.Contains("unknown upstream task 'ghost'", StringComparison.Ordinal));
        Assert.NotNull(broken.PreviousVersion);
        Assert.Empty(active!.Tasks[0].DependsOn);
        Assert.Empty(await catalog.GetAllAsync());
        Assert.Null(catalog.Find("r"));
    }

    [Fact]
    public async Task Refresh_BrokenFromTheStart_NoVersionActive()
    {
        await File.WriteAllTextAsync(Path.Combine(this.folder.FullName, "r.yaml"), Valid.Replace("kind: sql", "kind: spark", StringComparison.Ordinal));
        using var catalog = this.Catalog();

        var result = Assert.Single(await catalog.GetAllAsync());

        Assert.Null(result.PreviousVersion);
        Assert.Null(catalog.Find("r"));
    }

    [Fact]
    public async Task Load_PySparkFileRelativeToTheDag_UploadedContentAddressedAndTaskPointsAtIt()
    {
        Directory.CreateDirectory(Path.Combine(this.folder.FullName, "jobs"));
        var script = "print('clean')\n"u8.ToArray();
        await File.WriteAllBytesAsync(Path.Combine(this.folder.FullName, "jobs", "clean.py"), script);
        await File.WriteAllTextAsync(Path.Combine(this.folder.FullName, "py.yaml"), "id: py\ntasks:\n  - {id: clean, kind: pyspark, file: ./jobs/clean.py, outputs: [{name: o, path: out/o}]}\n");
        using var catalog = this.Catalog();

        var dag = (await catalog.FindAsync("py"))!;
        var expected = $"spark-scripts/dag-files/{Convert.ToHexStringLower(SHA256.HashData(script))}/clean.py";
        var blob = azurite.CreateAccount().Blobs.GetBlobContainerClient("spark-scripts").GetBlobClient(expected["spark-scripts/".Length..]);
        var uploaded = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        await File.WriteAllTextAsync(Path.Combine(this.folder.FullName, "jobs", "clean.py"), "print('cleaner')\n");
        await catalog.RefreshAsync();

        Assert.Equal(expected, dag.Tasks[0].File);
        Assert.Equal(script, uploaded);
        Assert.NotEqual(expected, catalog.Find("py")!.Tasks[0].File);
        Assert.StartsWith("spark-scripts/dag-files/", catalog.Find("py")!.Tasks[0].File, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("./jobs/missing.py")]
    [InlineData("../../../../../../etc/hostname")]
    public async Task Load_RelativeScriptMissingOrOutsideTheFolder_IsAProblemOfTheTask(string file)
    {
        await File.WriteAllTextAsync(Path.Combine(this.folder.FullName, "py.yaml"), $"id: py\ntasks:\n  - {{id: clean, kind: pyspark, file: '{file}', outputs: [{{name: o, path: out/o}}]}}\n");
        using var catalog = this.Catalog();

        var result = Assert.Single(await catalog.GetAllAsync());

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("tasks[0].file", problem.Path);
        Assert.Contains(file, problem.Message, StringComparison.Ordinal);
    }

    private DagCatalog Catalog() => new(Options.Create(new PipelineOptions { DagFolder = this.folder.FullName }), azurite.CreateAccount());
}
