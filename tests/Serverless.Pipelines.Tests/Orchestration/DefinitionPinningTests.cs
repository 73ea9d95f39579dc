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

    [Fact]
    public async Task Rerun_SqlFixedInTheFileAfterAFailedRun_NewRunTakesTheCurrentFileAndSucceeds()
    {
        var folder = Directory.CreateTempSubdirectory("fix-");
        try
        {
            var file = Path.Combine(folder.FullName, "fixme.yaml");
            const string Broken = """
                id: fixme
                tasks:
                  - id: good
                    kind: sql
                    sql: SELECT 1 AS one
                    outputs: [rows]
                  - id: bad
                    kind: sql
                    dependsOn: [good]
                    sql: SELECT * FROM no_such_table
                    outputs: [rows]
                """;
            await File.WriteAllTextAsync(file, Broken);
            await using var host = await PipelineTestHost.StartAsync(azurite, [], configure: o => o.DagFolder = folder.FullName);
            var failed = await host.RunAsync("fixme");
            Assert.Equal(Serverless.Pipelines.Runs.DagRunState.Failed, failed.State);

            await File.WriteAllTextAsync(file, Broken.Replace("SELECT * FROM no_such_table", "SELECT 2 AS two", StringComparison.Ordinal));
            await host.Runs.RefreshDagsAsync();
            var rerun = await host.Runs.RerunAsync(failed.RunId, new Service.DagRerunRequest());
            var fixedRun = await host.WaitAsync(rerun.RunId);

            Assert.Equal(Serverless.Pipelines.Runs.DagRunState.Success, fixedRun.State);
            Assert.Equal(failed.RunId, fixedRun.RerunOf);
            Assert.Equal(Serverless.Pipelines.Runs.DagRunTriggeredBy.Rerun, fixedRun.TriggeredBy);
            Assert.NotEqual(failed.DefinitionHash, fixedRun.DefinitionHash);
            Assert.True(fixedRun.Tasks.Single(t => t.Id == "good").Reused);
            Assert.False(fixedRun.Tasks.Single(t => t.Id == "bad").Reused);
            Assert.Equal(failed.DefinitionHash, (await host.Runs.GetRunAsync(failed.RunId))!.DefinitionHash);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
