using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Pools;

/// <summary>
/// The pool test of issue 15: two local hosts on one task hub, a pool of 2 slots, 10 tasks across 3 DAGs triggered on
/// both hosts. Job start and end times come from the jobs' own records (SparkJobs), not from the orchestrations.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TwoHostPoolTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Key = "pool-key-0123456789";

    // Long enough that two jobs overlap and the queue outlives each, deterministic in its result.
    private const long TaskRows = 60_000_000;

    [Fact]
    public async Task TwoHosts_PoolOfTwoTenTasksThreeDags_NeverMoreThanTwoAllCompleteHigherPriorityFirst()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var pool = "shared-" + suffix;
        var (one, two, three) = ($"one-{suffix}", $"two-{suffix}", $"three-{suffix}");
        var folder = Directory.CreateTempSubdirectory("pools-");

        // Priorities interleave across the DAGs, triggered in an order that first come, first served would get wrong.
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "one.yaml"), Dag(one, pool, [("p10", 10), ("p7", 7), ("p4", 4), ("p1", 1)]));
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "two.yaml"), Dag(two, pool, [("p9", 9), ("p6", 6), ("p3", 3)]));
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "three.yaml"), Dag(three, pool, [("p8", 8), ("p5", 5), ("p2", 2)]));
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
            [$"Serverless__Pools__{pool}__Slots"] = "2",
            [$"Serverless__Pools__{pool}__Description"] = "two slots across hosts",
            ["Serverless__Durable__WorkerId"] = name,

            // Each hop from one job's end to the next one's submit is a few queue messages: poll them often.
            ["Serverless__Durable__MaxQueuePollingInterval"] = "00:00:00.200",
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

            // The test holds both slots first, through the same table rows a third host would write, so all ten tasks
            // queue at once; released, they must get the slots by priority.
            var slots = new Serverless.Pipelines.Slots.ConcurrencySlots(azurite.CreateAccount().Tables.GetTableClient("ConcurrencySlots"));
            var gate = new Serverless.Pipelines.Pools.PoolHolder("test-gate", "gate", null, 1).ToString();
            Assert.Equal([0, 1], await slots.TryAcquireAsync(new("pool-" + pool, 2, gate) { Count = 2 }, null));
            var runs = new List<string> { await TriggerAsync(b, three), await TriggerAsync(a, two), await TriggerAsync(b, one) };
            var queued = await PoolAsync(a, pool, p => (int)p["queued"]! == 10, "all ten tasks queued behind the held slots");

            // GET /api/pools lists the waiters in the order they get slots: priority, highest first.
            Assert.Equal([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], queued["waiters"]!.AsArray().Select(w => (int)w!["priority"]!));
            Assert.Equal(2, (int)queued["slots"]!);
            Assert.Equal(2, (int)queued["occupied"]!);
            Assert.Equal("two slots across hosts", (string?)queued["description"]);
            Assert.Equal("test-gate", (string?)Assert.Single(queued["holders"]!.AsArray())!["runId"]);
            Assert.Equal(2, await slots.ReleaseAsync("pool-" + pool, gate));

            foreach (var run in runs)
            {
                var state = await Poll.UntilAsync(async () => (string?)JsonNode.Parse(await a.GetStringAsync(new Uri("api/runs/" + run, UriKind.Relative)))!["state"], s => s is "success" or "failed", TimeSpan.FromSeconds(120), "run " + run + " to end");
                Assert.True(state == "success", $"run {run} ended {state}\n{log}");
            }

            output.WriteLine($"wall_s={clock.Elapsed.TotalSeconds:0.0}");
            var jobs = await JobsAsync([one, two, three]);
            output.WriteLine(string.Join("\n", jobs.OrderBy(j => j.Start).Select(j => $"{j.Name} p{j.Priority} {j.Start:HH:mm:ss.fff}-{j.End:HH:mm:ss.fff} {j.Owner}")));

            // All ten complete, each exactly once.
            Assert.Equal(10, jobs.Count);

            // Never more than two at once, sampled at every job start from the jobs' own times.
            var peak = jobs.Max(j => jobs.Count(o => o.Start <= j.Start && j.Start < o.End));
            Assert.InRange(peak, 1, 2);

            // All ten waited together: a lower priority never finished while a higher one still waited.
            foreach (var x in jobs)
            {
                foreach (var y in jobs.Where(y => y.Priority < x.Priority))
                {
                    Assert.True(x.Start < y.End, $"{y.Name} (priority {y.Priority}) ended at {y.End:O} before {x.Name} (priority {x.Priority}) started at {x.Start:O}");
                }
            }

            // Which host ran each job, for the record: the shared work queue decides, so it is not asserted.
            output.WriteLine("job hosts: " + string.Join(", ", jobs.GroupBy(j => j.Owner).Select(g => $"{g.Key}={g.Count()}")));

            // Every slot was given back.
            var after = await PoolAsync(a, pool, p => (int)p["occupied"]! == 0 && (int)p["queued"]! == 0, "the pool to be empty");
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

    private static string Dag(string id, string pool, (string Task, int Priority)[] tasks)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"id: {id}\ndefaults:\n  pool: {pool}\ntasks:\n"));
        foreach (var (task, priority) in tasks)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - id: {task}\n    kind: sql\n    priority: {priority}\n    sql: SELECT count(*) AS n FROM range({TaskRows}) WHERE (id * id) % 13 = 1\n    outputs: [rows]\n");
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

    private static Task<JsonNode> PoolAsync(HttpClient client, string pool, Func<JsonNode, bool> done, string what) =>
        Poll.UntilAsync(
            async () => JsonNode.Parse(await client.GetStringAsync(new Uri("api/pools", UriKind.Relative)))!["pools"]!.AsArray().Single(p => (string?)p!["name"] == pool)!,
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
            var priority = int.Parse(task[1..], CultureInfo.InvariantCulture);
            jobs.Add(new Job(name, priority, row.GetDateTimeOffset("SubmittedAt")!.Value, row.GetDateTimeOffset("CompletedAt")!.Value, row.GetString("Owner")));
        }

        return jobs;
    }

    private sealed class HostSettings : Dictionary<string, string>;

    private sealed record Job(string Name, int Priority, DateTimeOffset Start, DateTimeOffset End, string? Owner);
}
