using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Crash;

/// <summary>
/// The crash test: the local host SIGKILLed at moments when jobs run, six times, while three DAG runs are in flight,
/// restarted each time with the same settings. Every run must end success with the right outputs, no task attempt
/// may have submitted a second job, a local job that died with the host must be reported lost from its own record,
/// and the time from restart to the first resumed task is measured (target ≤ 60 s).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LocalHostCrashTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Kills = 6;
    private const int Runs = 3;
    private const long RowsA = 400_000_000;
    private const long RowsC = 300_000_000;
    private const string Key = "crash-key-0123456789";

    // Counted independently of DuckDB: i*i mod 13 is 1 exactly when i mod 13 is 1 or 12; likewise mod 11.
    private static long Expected => (2 * CountSquaresCongruentToOne(RowsA, 13)) + CountSquaresCongruentToOne(RowsC, 11);

    [Fact]
    public async Task LocalHost_KilledSixTimesWithThreeRunsInFlight_EveryRunSucceedsOnceWithRightOutputs()
    {
        var folder = Directory.CreateTempSubdirectory("crash-");
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "crashy.yaml"), $"""
            id: crashy
            defaults:
              retries: {Kills + 2}
              retryDelay: 1s
            tasks:
              - id: a
                kind: sql
                sql: SELECT count(*) AS n FROM range({RowsA}) WHERE (id * id) % 13 = 1
                outputs: [rows]
              - id: b
                kind: sql
                inputs:
                  - name: a
                    from: a.rows
                sql: SELECT n * 2 AS n2 FROM a
                outputs: [rows]
              - id: c
                kind: sql
                sql: SELECT count(*) AS m FROM range({RowsC}) WHERE (id * id) % 11 = 1
                outputs: [rows]
              - id: d
                kind: sql
                inputs:
                  - name: b
                    from: b.rows
                  - name: c
                    from: c.rows
                sql: SELECT b.n2 + c.m AS total FROM b CROSS JOIN c
                outputs:
                  - name: total
                    format: csv
            """);
        var hub = AzuriteFixture.UniqueName("crash");
        var data = AzuriteFixture.UniqueName("data");
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Serverless__TaskHub"] = hub,
            ["Serverless__ApiKey"] = Key,
            ["Serverless__DagFolder"] = folder.FullName,
            ["Serverless__Scheduler"] = "false",
            ["Serverless__UploadSampleData"] = "false",
            ["Serverless__FirstPollInterval"] = "00:00:00.500",
            ["Serverless__MaxPollInterval"] = "00:00:02",
            ["Serverless__ChainFastJobs"] = "false",
            ["Serverless__Durable__WorkerId"] = "crash-worker",
            ["Spark__Local__HostName"] = "crash-host",
            ["Spark__Local__MaxConcurrentJobs"] = "2",
            ["Spark__DataContainer"] = data,
        };
        var baseAddress = new Uri($"http://127.0.0.1:{LocalHostProcess.FreePort()}/");
        var log = new StringBuilder();
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Add("x-functions-key", Key);
        var host = await LocalHostProcess.StartAsync(RepositoryPaths.LocalHostDll, baseAddress, settings, folder.FullName, log);
        var recoveries = new List<double>();
        try
        {
            var runIds = new List<string>();
            for (var i = 0; i < Runs; i++)
            {
                var started = await client.PostAsJsonAsync("api/dags/crashy/runs", new { });
                Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
                runIds.Add(JsonNode.Parse(await started.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
            }

            for (var kill = 0; kill < Kills; kill++)
            {
                // Kill while a job runs, so work is really interrupted.
                var before = await Poll.UntilAsync(
                    () => SnapshotAsync(client, runIds),
                    s => s.Running > 0 || s.AllDone,
                    TimeSpan.FromMinutes(3),
                    "a task to be running before kill " + (kill + 1));
                if (before.AllDone)
                {
                    break;
                }

                await host.KillAsync();
                var clock = Stopwatch.StartNew();
                host = await LocalHostProcess.StartAsync(RepositoryPaths.LocalHostDll, baseAddress, settings, folder.FullName, log);

                // Resumed: some task moved past where the kill left it (more attempts, or more tasks ended).
                await Poll.UntilAsync(
                    () => SnapshotAsync(client, runIds),
                    s => s.Progress > before.Progress || s.AllDone,
                    TimeSpan.FromMinutes(3),
                    "a task to resume after kill " + (kill + 1));
                recoveries.Add(clock.Elapsed.TotalSeconds);
            }

            var final = await Poll.UntilAsync(() => SnapshotAsync(client, runIds), s => s.AllDone, TimeSpan.FromMinutes(8), "every run to end");
            output.WriteLine($"kills={recoveries.Count} runs={Runs} recovery_s=[{string.Join(", ", recoveries.Select(r => r.ToString("0.0", CultureInfo.InvariantCulture)))}] max={recoveries.DefaultIfEmpty(0).Max():0.0}");
            File.WriteAllText(
                Path.Combine(RepositoryPaths.Root, "artifacts", "crash-test.json"),
                new JsonObject
                {
                    ["kills"] = recoveries.Count,
                    ["runs"] = Runs,
                    ["recovery_s"] = new JsonArray([.. recoveries.Select(r => (JsonNode)Math.Round(r, 1))]),
                    ["max_recovery_s"] = Math.Round(recoveries.DefaultIfEmpty(0).Max(), 1),
                }.ToJsonString());

            Assert.True(recoveries.Count >= Kills, $"only {recoveries.Count} kills happened before the runs ended; make the jobs longer");
            foreach (var run in final.Runs)
            {
                Assert.True(run["state"]!.GetValue<string>() == "success", run.ToJsonString() + "\n" + log);
            }

            Assert.All(recoveries, r => Assert.True(r <= 60, $"recovery took {r:0.0} s"));
            await this.AssertOutputsAndJobsAsync(data, final.Runs);
        }
        finally
        {
            await host.DisposeAsync();
            folder.Delete(recursive: true);
        }
    }

    private static long CountSquaresCongruentToOne(long count, long modulus) => (2 * (count / modulus)) + (count % modulus >= 2 ? 1 : 0);

    private static async Task<Snapshot> SnapshotAsync(HttpClient client, IReadOnlyList<string> runIds)
    {
        var runs = new List<JsonNode>();
        foreach (var id in runIds)
        {
            try
            {
                runs.Add(JsonNode.Parse(await client.GetStringAsync(new Uri("api/runs/" + id, UriKind.Relative)))!);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return new Snapshot([], 0, -1, false);
            }
        }

        var tasks = runs.SelectMany(r => r["tasks"]!.AsArray()).ToList();
        var running = tasks.Count(t => t!["state"]!.GetValue<string>() == "running");
        var progress = tasks.Sum(t => t!["attempts"]!.GetValue<int>() + (t["state"]!.GetValue<string>() is "success" or "failed" ? 100 : 0));
        var done = runs.All(r => r["state"]!.GetValue<string>() is "success" or "failed");
        return new Snapshot(runs, running, progress, done);
    }

    private async Task AssertOutputsAndJobsAsync(string dataContainer, IReadOnlyList<JsonNode> runs)
    {
        var account = azurite.CreateAccount();
        var container = account.Blobs.GetBlobContainerClient(dataContainer);
        var jobs = account.Tables.GetTableClient("SparkJobs");
        var lost = 0;
        foreach (var run in runs)
        {
            var runId = run["runId"]!.GetValue<string>();
            var d = run["tasks"]!.AsArray().Single(t => t!["id"]!.GetValue<string>() == "d")!;
            var location = d["outputs"]!["total"]!.GetValue<string>();
            var prefix = location[(location.IndexOf('/', StringComparison.Ordinal) + 1)..];
            var values = new List<string>();
            await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, default))
            {
                if (blob.Name.EndsWith(".csv", StringComparison.Ordinal))
                {
                    var text = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
                    values.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1));
                }
            }

            Assert.Equal([Expected.ToString(CultureInfo.InvariantCulture)], values);

            // One job per task attempt: a redelivered submit reuses its attempt's job (same idempotency key), so the
            // job records of a task are exactly its attempts.
            foreach (var task in run["tasks"]!.AsArray())
            {
                var taskId = task!["id"]!.GetValue<string>();
                var records = new List<TableEntity>();
                await foreach (var entity in jobs.QueryAsync<TableEntity>(e => e.PartitionKey == "local"))
                {
                    if (entity.RowKey.StartsWith($"{runId}:{taskId}:", StringComparison.Ordinal))
                    {
                        records.Add(entity);
                    }
                }

                Assert.Equal(task["attempts"]!.GetValue<int>(), records.Count);
                lost += records.Count(r => r.GetString("Message")?.StartsWith("lost: host restarted", StringComparison.Ordinal) == true);
            }
        }

        output.WriteLine($"attempts lost with the host and retried: {lost}");
        Assert.True(lost > 0, "no job was reported lost although the host was killed while jobs ran");
    }

    private sealed record Snapshot(IReadOnlyList<JsonNode> Runs, int Running, int Progress, bool AllDone);
}
