using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Functions;
using Serverless.Functions.Tests.Support;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Reload;

/// <summary>
/// The DAG hot reload on a running local host: files added to its folder and blobs to its container are listed within
/// seconds, a fixed file is what a rerun runs, and a broken edit keeps the last valid version scheduled and triggerable.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DagHotReloadTests(AzuriteFixture azurite) : IAsyncLifetime
{
    // The brief's bound for "picked up without a restart"; the default check interval is 2 s.
    private static readonly TimeSpan PickUpBound = TimeSpan.FromSeconds(10);

    private readonly DirectoryInfo dags = Directory.CreateTempSubdirectory("reload-dags-");
    private readonly string dagContainer = AzuriteFixture.UniqueName("dags");
    private TestHost host = null!;

    public async Task InitializeAsync()
    {
        this.host = await TestHost.StartAsync(azurite, extra: new Dictionary<string, string?>
        {
            ["Serverless:DagFolder"] = this.dags.FullName,
            ["Serverless:AlsoReadDagContainer"] = "true",
            ["Serverless:DagContainer"] = this.dagContainer,
            ["Spark:DataContainer"] = AzuriteFixture.UniqueName("data"),

            // The test calls the scheduler function itself; its own minute timer may tick too, which starts nothing more.
            ["Serverless:Scheduler"] = "true",

            // New DAGs start paused by default; the broken-edit test needs the scheduler to run the DAG.
            ["Serverless:DagsArePausedAtCreation"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        await this.host.DisposeAsync();
        this.dags.Delete(recursive: true);
    }

    [Fact]
    public async Task NewFileInFolderAndBlobInContainer_RunningHost_EachListedWithinTenSeconds()
    {
        var clock = Stopwatch.StartNew();
        await File.WriteAllTextAsync(Path.Combine(this.dags.FullName, "from-folder.yaml"), Dag("from-folder", "SELECT 1 AS one"));
        await this.WaitListedAsync(d => Id(d) == "from-folder" && d["valid"]!.GetValue<bool>(), "the folder's new DAG");
        var folderSeconds = clock.Elapsed;

        var container = azurite.CreateAccount().Blobs.GetBlobContainerClient(this.dagContainer);
        await container.CreateIfNotExistsAsync();
        clock.Restart();
        await container.GetBlobClient("teams/from-blob.yaml").UploadAsync(BinaryData.FromString(Dag("from-blob", "SELECT 2 AS two")), overwrite: true);
        var listed = await this.WaitListedAsync(d => Id(d) == "from-blob" && d["valid"]!.GetValue<bool>(), "the container's new DAG");

        Assert.True(folderSeconds < PickUpBound, $"folder: {folderSeconds}");
        Assert.True(clock.Elapsed < PickUpBound, $"container: {clock.Elapsed}");
        Assert.Contains(listed, d => (string?)d!["file"] == $"{this.dagContainer}/teams/from-blob.yaml");
        var trigger = await this.host.Client.PostAsync("/api/dags/from-blob/runs", Json("{}"));
        Assert.Equal(HttpStatusCode.Accepted, trigger.StatusCode);
    }

    [Fact]
    public async Task BrokenEdit_PreviousVersionStaysScheduledAndTriggerable_ProblemListed()
    {
        // The scheduler's state (last logical date, paused) lives in tables shared by every host on this storage.
        var id = AzuriteFixture.UniqueName("keep");
        var start = DateTimeOffset.UtcNow.AddMinutes(-3).ToString("yyyy-MM-dd'T'HH:mm:00'Z'", CultureInfo.InvariantCulture);
        var valid = $"id: {id}\nschedule: '* * * * *'\nstartDate: {start}\ncatchup: false\nisPausedUponCreation: false\n" + Tasks("SELECT 7 AS seven");
        var file = Path.Combine(this.dags.FullName, "keep.yaml");
        await File.WriteAllTextAsync(file, valid);
        await this.WaitListedAsync(d => Id(d) == id && d["valid"]!.GetValue<bool>(), "the valid DAG");
        var before = await this.RunToEndAsync(id);

        // The edit names an upstream task that does not exist: the file is broken, its last valid version is not.
        var clock = Stopwatch.StartNew();
        var broken = valid.Replace("    outputs: [rows]", "    dependsOn: [nope]\n    outputs: [rows]", StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, broken);
        var listed = await this.WaitListedAsync(d => Id(d) == id && !d["valid"]!.GetValue<bool>(), "the broken edit to be listed");
        var after = await this.RunToEndAsync(id);
        var scheduled = await this.TickSchedulerAsync(id);

        Assert.True(clock.Elapsed < PickUpBound, $"broken edit: {clock.Elapsed}");
        var keep = Assert.Single(listed, d => Id(d!) == id)!;
        Assert.True(keep["servingPreviousVersion"]!.GetValue<bool>(), keep.ToJsonString());
        Assert.True(keep["active"]!.GetValue<bool>(), keep.ToJsonString());
        var problem = Assert.Single(keep["problems"]!.AsArray())!;
        Assert.Contains("unknown upstream task 'nope'", problem["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(broken.Split('\n').ToList().FindIndex(l => l.Contains("dependsOn", StringComparison.Ordinal)) + 1, problem["line"]!.GetValue<int>());
        Assert.Equal("success", after["state"]!.GetValue<string>());
        Assert.Equal(before["definitionHash"]!.GetValue<string>(), after["definitionHash"]!.GetValue<string>());
        Assert.Contains(scheduled, run => run.StartsWith(id + "__scheduled-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SqlFixedAfterFailedRun_ReloadedWithoutRestart_RerunSucceedsOldRunKeepsItsHash()
    {
        var file = Path.Combine(this.dags.FullName, "fix.yaml");
        await File.WriteAllTextAsync(file, Dag("fix", "SELECT * FROM no_such_table"));
        await this.WaitListedAsync(d => Id(d) == "fix" && d["valid"]!.GetValue<bool>(), "the DAG");
        var failed = await this.RunToEndAsync("fix");
        Assert.Equal("failed", failed["state"]!.GetValue<string>());

        await File.WriteAllTextAsync(file, Dag("fix", "SELECT 42 AS answer"));
        await this.WaitShownSqlAsync("fix", "SELECT 42 AS answer");
        var rerun = await this.host.Client.PostAsync($"/api/runs/{failed["runId"]}/rerun", Json("""{ "onlyFailed": true }"""));
        Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        var fixedRun = await this.WaitRunAsync(rerun.Headers.Location!);
        var oldRun = JsonNode.Parse(await this.host.Client.GetStringAsync($"/api/runs/{failed["runId"]}"))!;

        Assert.Equal("success", fixedRun["state"]!.GetValue<string>());
        Assert.Equal(failed["runId"]!.GetValue<string>(), fixedRun["rerunOf"]!.GetValue<string>());
        Assert.NotEqual(failed["definitionHash"]!.GetValue<string>(), fixedRun["definitionHash"]!.GetValue<string>());
        Assert.Equal(failed["definitionHash"]!.GetValue<string>(), oldRun["definitionHash"]!.GetValue<string>());
        Assert.Equal("failed", oldRun["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refresh_FileWrittenJustBefore_ListedInTheResponse()
    {
        await File.WriteAllTextAsync(Path.Combine(this.dags.FullName, "now.yaml"), Dag("now", "SELECT 1 AS one"));
        await File.WriteAllTextAsync(Path.Combine(this.dags.FullName, "bad.yaml"), "id: bad\ntasks: [");

        var response = await this.host.Client.PostAsync("/api/dags/refresh", null);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var anonymous = await this.host.Anonymous.PostAsync("/api/dags/refresh", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(2, body["files"]!.GetValue<int>());
        Assert.Equal(1, body["valid"]!.GetValue<int>());
        Assert.Equal(1, body["withProblems"]!.GetValue<int>());
        Assert.Contains(body["dags"]!.AsArray(), d => Id(d!) == "now");
    }

    private static string Dag(string id, string sql) => $"id: {id}\n" + Tasks(sql);

    private static string Tasks(string sql) => $"tasks:\n  - id: t\n    kind: sql\n    sql: {sql}\n    outputs: [rows]\n";

    private static string? Id(JsonNode dag) => (string?)dag["id"];

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private async Task<JsonArray> WaitListedAsync(Func<JsonNode, bool> match, string what) =>
        await Poll.UntilAsync(
            async () => JsonNode.Parse(await this.host.Client.GetStringAsync("/api/dags"))!["dags"]!.AsArray(),
            dags => dags.Any(d => match(d!)),
            PickUpBound,
            what);

    private Task WaitShownSqlAsync(string dagId, string sql) =>
        Poll.UntilAsync(
            async () => (await this.host.Client.GetStringAsync($"/api/dags/{dagId}")).Contains(sql, StringComparison.Ordinal),
            PickUpBound,
            $"DAG '{dagId}' to be reloaded with its new SQL");

    private async Task<JsonNode> RunToEndAsync(string dagId)
    {
        var trigger = await this.host.Client.PostAsync($"/api/dags/{dagId}/runs", Json("{}"));
        Assert.Equal(HttpStatusCode.Accepted, trigger.StatusCode);
        return await this.WaitRunAsync(trigger.Headers.Location!);
    }

    private async Task<JsonNode> WaitRunAsync(Uri location)
    {
        var final = await Poll.UntilAsync(
            async () =>
            {
                var response = await this.host.Client.GetAsync(location);
                return (response.StatusCode, Body: JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
            },
            r => r.StatusCode != HttpStatusCode.Accepted,
            TimeSpan.FromSeconds(60),
            "the run to finish");
        return final.Body;
    }

    private async Task<List<string>> TickSchedulerAsync(string dagId)
    {
        // The scheduler function as the host calls it (the host's own timer is off in tests).
        var services = this.host.App.App.Services;
        var timers = ActivatorUtilities.CreateInstance<TimerFunctions>(services);
        await timers.Scheduler(new TimerInfo(), services.GetRequiredService<DurableTaskClient>(), CancellationToken.None);
        var runs = JsonNode.Parse(await this.host.Client.GetStringAsync($"/api/runs?dag={dagId}&pageSize=100"))!["runs"]!.AsArray();
        return runs.Select(r => r!["runId"]!.GetValue<string>()).ToList();
    }
}
