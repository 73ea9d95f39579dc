using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>A run pins the definition it started with: its hash, and each task's, name what it ran.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DefinitionPinningTests(AzuriteFixture azurite)
{
    private const string Version1 = """
        id: pinned
        tasks:
          - id: same
            kind: sql
            sql: SELECT 1 AS one
            outputs: [rows]
          - id: edited
            kind: sql
            sql: SELECT 2 AS two
            outputs: [rows]
        """;

    [Fact]
    public async Task Run_DagFileEditedBetweenRuns_NewRunHasNewHashOldRunKeepsItsOwn()
    {
        var folder = Directory.CreateTempSubdirectory("pin-");
        try
        {
            var file = Path.Combine(folder.FullName, "pinned.yaml");
            await File.WriteAllTextAsync(file, Version1);
            await using var host = await PipelineTestHost.StartAsync(azurite, [], configure: o => o.DagFolder = folder.FullName);

            var first = await host.RunAsync("pinned");
            var again = await host.RunAsync("pinned");
            await File.WriteAllTextAsync(file, Version1.Replace("SELECT 2 AS two", "SELECT 3 AS three", StringComparison.Ordinal));
            await host.Runs.RefreshDagsAsync();
            var edited = await host.RunAsync("pinned");
            var firstAfterEdit = await host.Runs.GetRunAsync(first.RunId);

            Assert.Matches("^[0-9a-f]{64}$", first.DefinitionHash!);
            Assert.Equal(Serverless.Pipelines.Runs.DagRunTriggeredBy.Manual, first.TriggeredBy);
            Assert.Equal(first.DefinitionHash, again.DefinitionHash);
            Assert.NotEqual(first.DefinitionHash, edited.DefinitionHash);
            Assert.Equal(first.DefinitionHash, firstAfterEdit!.DefinitionHash);
            string TaskHash(Service.DagRunInfo run, string id) => run.Tasks.Single(t => t.Id == id).DefinitionHash!;
            Assert.Equal(TaskHash(first, "same"), TaskHash(edited, "same"));
            Assert.NotEqual(TaskHash(first, "edited"), TaskHash(edited, "edited"));
            var manifest = await host.ReadManifestAsync("pinned", edited.RunId);
            Assert.Equal(edited.DefinitionHash, manifest["definitionHash"]!.GetValue<string>());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
