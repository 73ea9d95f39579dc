using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Serverless.Functions.Tests.Support;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Pools;

/// <summary>
/// The pool test of issue 15: two local hosts on one task hub, a pool of 2 slots, 10 tasks across 3 DAGs. Job start
/// and end times come from the jobs' own records (SparkJobs), not from the orchestrations.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TwoHostPoolTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Key = "pool-key-0123456789";

    // Slow enough to overlap and deterministic in its result; the gate holds both slots while the rest queue.
    private const long GateRows = 500_000_000;
    private const long TaskRows = 50_000_000;

    [Fact]
    public async Task TwoHosts_PoolOfTwoTenTasksThreeDags_NeverMoreThanTwoAllCompleteHigherPriorityFirst()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (gate, low, high) = ($"gate-{suffix}", $"low-{suffix}", $"high-{suffix}");
        var folder = Directory.CreateTempSubdirectory("pools-");
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "gate.yaml"), Dag(gate, [("g1", 50), ("g2", 50)], GateRows));

        // Priorities interleave across the two DAGs, and the low DAG is triggered first: first come, first served
        // would run its tasks first.
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "low.yaml"), Dag(low, [("p7", 7), ("p5", 5), ("p3", 3), ("p1", 1)], TaskRows));
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "high.yaml"), Dag(high, [("p8", 8), ("p6", 6), ("p4", 4), ("p2", 2)], TaskRows));
        var hub = AzuriteFixture.UniqueName("pools");
        var data = AzuriteFixture.UniqueName("data");
        HostSettings Settings(string name) => new()
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Serverless__TaskHub"] = hub,
            ["Serverless__ApiKey"] = Key,
            ["Serverless__DagFolder"] = folder.FullName,
            ["Serverless__Scheduler"] = "false",
            ["Serverless__UploadSampleData"] = "false",
            ["Serverless__DagsArePausedAtCreation"] = "false",
            ["Serverless__ChainFastJobs"] = "false",
            ["Serverless__Pools__shared__Slots"] = "2",
            ["Serverless__Pools__shared__Description"] = "two slots across hosts",
            ["Serverless__Durable__WorkerId"] = name,
            ["Spark__Local__HostName"] = name,
            ["Spark__Local__MaxConcurrentJobs"] = "4",
            ["Spark__DataContainer"] = data,
        };
        var addresses = new[] { new Uri($"http://127.0.0.1:{LocalHostProcess.FreePort()}/"), new Uri($"http://127.0.0.1:{LocalHostProcess.FreePort()}/") };
        var log = new StringBuilder();
        var hosts = new List<LocalHostProcess>();
        try
        {
            hosts.AddRange(await Task.WhenAll(
                LocalHostProcess.StartAsync(RepositoryPaths.LocalHostDll, addresses[0], Settings("pool-host-a"), folder.FullName, log),
                LocalHostProcess.StartAsync(RepositoryPaths.LocalHostDll, addresses[1], Settings("pool-host-b"), folder.FullName, log)));
            using var a = Client(addresses[0]);
            using var b = Client(addresses[1]);
            var clock = System.Diagnostics.Stopwatch.StartNew();

            // The gate's two tasks take both slots; then the other eight queue behind them, triggered on both hosts.
            var runs = new List<string> { await TriggerAsync(a, gate) };
            await PoolAsync(a, p => (int)p["occupied"]! == 2, "the gate to hold both slots");
            runs.Add(await TriggerAsync(b, low));
            runs.Add(await TriggerAsync(a, high));
            var queued = await PoolAsync(b, p => (int)p["queued"]! == 8, "eight tasks queued behind the gate");

            // GET /api/pools lists the waiters in the order they get slots: priority, highest first.
            var waiting = queued["waiters"]!.AsArray().Select(w => (int)w!["priority"]!).ToList();
            Assert.Equal([8, 7, 6, 5, 4, 3, 2, 1], waiting);
            Assert.Equal(2, (int)queued["slots"]!);
            Assert.Equal("two slots across hosts", (string?)queued["description"]);
            Assert.All(queued["holders"]!.AsArray(), h => Assert.Equal(runs[0], (string?)h!["runId"]));

            foreach (var run in runs)
            {
                var state = await Poll.UntilAsync(async () => (string?)JsonNode.Parse(await a.GetStringAsync(new Uri("api/runs/" + run, UriKind.Relative)))!["state"], s => s is "success" or "failed", TimeSpan.FromSeconds(120), "run " + run + " to end");
                Assert.True(state == "success", $"run {run} ended {state}\n{log}");
            }

            output.WriteLine($"wall_s={clock.Elapsed.TotalSeconds:0.0}");
            var jobs = await JobsAsync([gate, low, high]);
            output.WriteLine(string.Join("\n", jobs.OrderBy(j => j.Start).Select(j => $"{j.Name} p{j.Priority} {j.Start:HH:mm:ss.fff}-{j.End:HH:mm:ss.fff} {j.Owner}")));

            // All ten complete, each exactly once.
            Assert.Equal(10, jobs.Count);

            // Never more than two at once, sampled at every job start from the jobs' own times.
            var peak = jobs.Max(j => jobs.Count(o => o.Start <= j.Start && j.Start < o.End));
            Assert.InRange(peak, 1, 2);

            // Every pair that waited together: the lower priority never finished while the higher one still waited.
            var waiters = jobs.Where(j => j.Priority < 50).ToList();
            foreach (var x in waiters)
            {
                foreach (var y in waiters.Where(y => y.Priority < x.Priority))
                {
                    Assert.True(x.Start < y.End, $"{y.Name} (priority {y.Priority}) ended at {y.End:O} before {x.Name} (priority {x.Priority}) started at {x.Start:O}");
                }
            }

            // Every slot was given back.
            var after = await PoolAsync(a, p => (int)p["occupied"]! == 0 && (int)p["queued"]! == 0, "the pool to be empty");
            Assert.Empty(after["holders"]!.AsArray());
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            folder.Delete(recursive: true);
        }
    }

    private static string Dag(string id, (string Task, int Priority)[] tasks, long rows)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"id: {id}\ndefaults:\n  pool: shared\ntasks:\n"));
        foreach (var (task, priority) in tasks)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - id: {task}\n    kind: sql\n    priority: {priority}\n    sql: SELECT count(*) AS n FROM range({rows}) WHERE (id * id) % 13 = 1\n    outputs: [rows]\n");
        }

        return text.ToString();
    }

    private static HttpClient Client(Uri address)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(20) };
        client.DefaultRequestHeaders.Add("x-functions-key", Key);
        return client;
    }

    private static async Task<string> TriggerAsync(HttpClient client, string dagId)
    {
        var started = await client.PostAsJsonAsync(new Uri($"api/dags/{dagId}/runs", UriKind.Relative), new { });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        return JsonNode.Parse(await started.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

    private static Task<JsonNode> PoolAsync(HttpClient client, Func<JsonNode, bool> done, string what) =>
        Poll.UntilAsync(
            async () => JsonNode.Parse(await client.GetStringAsync(new Uri("api/pools", UriKind.Relative)))!["pools"]!.AsArray().Single(p => (string?)p!["name"] == "shared")!,
            done,
            TimeSpan.FromSeconds(60),
            what);

    private async Task<List<Job>> JobsAsync(string[] dagIds)
    {
        var table = azurite.CreateAccount().Tables.GetTableClient("SparkJobs");
        var jobs = new List<Job>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            var name = row.GetString("JobName") ?? string.Empty;
            if (!dagIds.Any(d => name.StartsWith(d + ".", StringComparison.Ordinal)))
            {
                continue;
            }

            var task = name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..];
            var priority = task.StartsWith('g') ? 50 : int.Parse(task[1..], CultureInfo.InvariantCulture);
            jobs.Add(new Job(name, priority, row.GetDateTimeOffset("SubmittedAt")!.Value, row.GetDateTimeOffset("CompletedAt")!.Value, row.GetString("Owner")));
        }

        return jobs;
    }

    private sealed class HostSettings : Dictionary<string, string>;

    private sealed record Job(string Name, int Priority, DateTimeOffset Start, DateTimeOffset End, string? Owner);
}
