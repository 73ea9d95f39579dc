using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Scheduling;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Samples;

[Collection(AzuriteCollection.Name)]
public sealed class SampleDagTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task LoadAsync_SampleFolder_EverySampleValidatesClean()
    {
        var results = await new DagFolderSource(RepositoryPaths.SampleDags).LoadAsync();

        Assert.Equal(["departure-delays", "flights-daily", "hello", "stocks"], results.Select(r => r.Dag?.Id).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.True(r.IsValid, string.Join("\n", r.Problems)));
    }

    [Fact]
    public async Task LoadAsync_Samples_ShapesMatchTheIssue()
    {
        var dags = (await new DagFolderSource(RepositoryPaths.SampleDags).LoadAsync()).ToDictionary(r => r.Dag!.Id, r => r.Dag!);

        var delays = new DagGraph(dags["departure-delays"]);
        Assert.Equal(["long-flights", "phl-dfw-delayed", "short-flights"], delays.DownstreamOf("load").Order(StringComparer.Ordinal));
        Assert.Equal(["long-flights", "phl-dfw-delayed", "short-flights"], delays.UpstreamOf("summary").Order(StringComparer.Ordinal));

        var daily = dags["flights-daily"];
        Assert.Equal("@daily", daily.Schedule);
        Assert.Equal(4, DagSchedule.For(daily).SchedulePoints(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2001, 1, 4, 0, 0, 0, TimeSpan.Zero)).Count);

        var stocks = dags["stocks"];
        Assert.Equal("symbols.symbols", stocks.FindTask("monthly-returns")!.Expand!.From);
        Assert.Equal(["symbols", "monthly-returns", "summary"], new DagGraph(stocks).TopologicalOrder);

        Assert.Equal("SELECT 13 * 13 AS squared", Assert.Single(dags["hello"].Tasks).Sql);
    }

    [Fact]
    public async Task Export_EverySample_RoundTrips()
    {
        foreach (var result in await new DagFolderSource(RepositoryPaths.SampleDags).LoadAsync())
        {
            var json = DagJsonExporter.Export(result.Dag!);
            var reloaded = DagFileLoader.Load(json, result.Dag!.Id + ".json");

            Assert.Empty(reloaded.Problems);
            Assert.Equal(json, DagJsonExporter.Export(reloaded.Dag!));
        }
    }

    [Fact]
    public async Task LoadAsync_BlobContainer_LoadsSamplesAndResolvesSqlFiles()
    {
        var container = azurite.CreateAccount().Blobs.GetBlobContainerClient(AzuriteFixture.UniqueName("dags"));
        await container.CreateAsync();
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.SampleDags, "*.yaml"))
        {
            await container.UploadBlobAsync(Path.GetFileName(file), BinaryData.FromString(await File.ReadAllTextAsync(file)));
        }

        await container.UploadBlobAsync("team/sql/answer.sql", BinaryData.FromString("SELECT 42 AS answer"));
        await container.UploadBlobAsync("team/pipelines/answer.yml", BinaryData.FromString("id: answer\ntasks:\n  - id: t\n    kind: sql\n    sqlFile: ../sql/answer.sql\n    outputs: [o]\n"));
        await container.UploadBlobAsync("team/pipelines/hello-copy.json", BinaryData.FromString("{\"id\": \"hello\", \"tasks\": [{\"id\": \"t\", \"kind\": \"sql\", \"sql\": \"SELECT 1\", \"outputs\": [\"o\"]}]}"));
        await container.UploadBlobAsync("readme.txt", BinaryData.FromString("not a DAG"));

        var results = await new DagBlobSource(container).LoadAsync();

        Assert.Equal(
            ["departure-delays.yaml", "flights-daily.yaml", "hello.yaml", "stocks.yaml", "team/pipelines/answer.yml", "team/pipelines/hello-copy.json"],
            results.Select(r => r.FileName));
        Assert.Equal("SELECT 42 AS answer", results.Single(r => r.Dag?.Id == "answer").Dag!.Tasks[0].Sql);
        var duplicates = results.Where(r => r.Dag?.Id == "hello").ToList();
        Assert.Equal(2, duplicates.Count);
        Assert.All(duplicates, r => Assert.Contains(r.Problems, p => p.Message.Contains("also declared in", StringComparison.Ordinal)));
        Assert.All(results.Where(r => r.Dag?.Id != "hello"), r => Assert.True(r.IsValid, string.Join("\n", r.Problems)));
        Assert.Empty(await new DagBlobSource(azurite.CreateAccount().Blobs.GetBlobContainerClient(AzuriteFixture.UniqueName("none"))).LoadAsync());
    }
}
