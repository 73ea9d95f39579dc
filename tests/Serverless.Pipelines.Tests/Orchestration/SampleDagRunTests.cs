using System.Globalization;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Pipelines.Tests.Samples;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>
/// Every sample DAG end to end on the local DuckDB backend, results checked against values computed here directly
/// from the vega-datasets files. The sample data is uploaded once per test run into a shared data container.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SampleDagRunTests(AzuriteFixture azurite)
{
    private static readonly SemaphoreSlim UploadLock = new(1, 1);
    private static string? sharedContainer;

    private static string Data(string file) => Path.Combine(DuckDbSampleRunner.DataFolder, file).Replace("'", "''", StringComparison.Ordinal);

    [Fact]
    public async Task Run_Hello_ComputesThirteenSquared()
    {
        await using var host = await StartAsync();

        var run = await host.RunAsync("hello");

        Assert.Equal(DagRunState.Success, run.State);
        var rows = await host.ReadRowsAsync(run.Tasks.Single().Outputs["result"]);
        Assert.Equal(13L * 13L, Convert.ToInt64(Assert.Single(rows)["squared"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Run_DepartureDelays_CountsMatchAnIndependentReadOfTheSourceFile()
    {
        await using var host = await StartAsync();

        // Counted with Parquet.Net and LINQ, not with DuckDB, which the local backend runs on.
        var flights = await Samples.FlightsParquet.ReadAsync(Path.Combine(DuckDbSampleRunner.DataFolder, "flights-3m.parquet"));
        var expected = new Dictionary<string, object?>
        {
            ["d"] = flights.LongCount(f => f.Origin == "PHL" && f.Destination == "DFW" && f.Delay > 150),
            ["s"] = flights.LongCount(f => f.Distance < 200),
            ["l"] = flights.LongCount(f => f.Distance > 600),
            ["n"] = (long)flights.Count,
        };
        Assert.Equal([27L, 318_317L, 1_417_098L], new[] { (long)expected["d"]!, (long)expected["s"]!, (long)expected["l"]! });

        var run = await host.RunAsync("departure-delays", timeout: TimeSpan.FromSeconds(120));

        Assert.Equal(DagRunState.Success, run.State);
        var summary = Assert.Single(await host.ReadRowsAsync(run.Tasks.Single(t => t.Id == "summary").Outputs["summary"], "json"));
        Assert.Equal(Convert.ToInt64(expected["d"], CultureInfo.InvariantCulture), Convert.ToInt64(summary["phl_dfw_delayed"], CultureInfo.InvariantCulture));
        Assert.Equal(Convert.ToInt64(expected["s"], CultureInfo.InvariantCulture), Convert.ToInt64(summary["short_flights"], CultureInfo.InvariantCulture));
        Assert.Equal(Convert.ToInt64(expected["l"], CultureInfo.InvariantCulture), Convert.ToInt64(summary["long_flights"], CultureInfo.InvariantCulture));

        // The manifest is the lineage: every task with its job, inputs and outputs measured in bytes.
        var manifest = await host.ReadManifestAsync("departure-delays", run.RunId);
        Assert.Equal("success", manifest["state"]!.GetValue<string>());
        var load = manifest["tasks"]!.AsArray().Single(t => t!["taskId"]!.GetValue<string>() == "load")!;
        Assert.Equal(Convert.ToInt64(expected["n"], CultureInfo.InvariantCulture), load["rowsWritten"]!.GetValue<long>());
        Assert.Equal(new FileInfo(Path.Combine(DuckDbSampleRunner.DataFolder, "flights-3m.parquet")).Length, load["inputs"]!["flights"]!["bytes"]!.GetValue<long>());
        Assert.True(load["outputs"]!["flights"]!["bytes"]!.GetValue<long>() > 0);
        Assert.All(manifest["tasks"]!.AsArray(), t => Assert.NotNull(t!["jobId"]));

        // "files" counts data files: listed here by name, leaving out Spark's _SUCCESS marker.
        var output = run.Tasks.Single(t => t.Id == "load").Outputs["flights"];
        var slash = output.IndexOf('/', StringComparison.Ordinal);
        var names = new List<string>();
        await foreach (var blob in host.Account.Blobs.GetBlobContainerClient(output[..slash]).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, output[(slash + 1)..], default))
        {
            names.Add(blob.Name);
        }

        Assert.Equal(names.Count(n => !n.EndsWith("/_SUCCESS", StringComparison.Ordinal)), load["outputs"]!["flights"]!["files"]!.GetValue<int>());
    }

    [Fact]
    public async Task Run_Stocks_MapsOncePerSymbolAndSummaryMatchesHandComputedReturns()
    {
        await using var host = await StartAsync();
        // Read with a plain CSV split, not DuckDB: symbol,date,price with no quoting in this file.
        var prices = File.ReadLines(Path.Combine(DuckDbSampleRunner.DataFolder, "stocks.csv")).Skip(1)
            .Select(line => line.Split(','))
            .Select(f => new Dictionary<string, object?> { ["symbol"] = f[0], ["date"] = f[1], ["price"] = f[2] })
            .ToList();
        var expected = prices
            .GroupBy(r => (string)r["symbol"]!)
            .ToDictionary(
                g => g.Key,
                g =>
                {
                    var series = g.OrderBy(r => DateTime.ParseExact((string)r["date"]!, "MMM d yyyy", CultureInfo.InvariantCulture)).Select(r => Convert.ToDouble(r["price"], CultureInfo.InvariantCulture)).ToList();
                    var returns = series.Skip(1).Select((p, i) => (p / series[i]) - 1).ToList();
                    return (Months: series.Count, Average: returns.Average());
                });

        var run = await host.RunAsync("stocks", timeout: TimeSpan.FromSeconds(120));

        Assert.Equal(DagRunState.Success, run.State);
        Assert.Equal(expected.Count, run.Tasks.Count(t => t.Id == "monthly-returns"));
        var summary = await host.ReadRowsAsync(run.Tasks.Single(t => t.Id == "summary").Outputs["summary"]);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), summary.Select(r => (string)r["symbol"]!));
        foreach (var row in summary)
        {
            var (months, average) = expected[(string)row["symbol"]!];
            Assert.Equal(months, Convert.ToInt32(row["months"], CultureInfo.InvariantCulture));
            Assert.Equal(average, Convert.ToDouble(row["avg_monthly_return"], CultureInfo.InvariantCulture), 9);
        }
    }

    [Fact]
    public async Task Run_FlightsDaily_TopRoutesMatchAnIndependentComputationForThatDay()
    {
        await using var host = await StartAsync();

        // Computed with Parquet.Net, a CSV split and LINQ, not with DuckDB.
        var flights = await Samples.FlightsParquet.ReadAsync(Path.Combine(DuckDbSampleRunner.DataFolder, "flights-3m.parquet"));
        var airports = Samples.FlightsParquet.AirportCodes(Path.Combine(DuckDbSampleRunner.DataFolder, "airports.csv"));
        var day = new DateTime(2001, 1, 10);
        var expected = flights
            .Where(f => f.Date?.Date == day && f.Origin is { } o && airports.Contains(o) && f.Destination is { } d && airports.Contains(d))
            .GroupBy(f => (Origin: f.Origin!, Destination: f.Destination!))
            .Where(g => g.Count() >= 3)
            .Select(g => (g.Key.Origin, g.Key.Destination, AvgDelay: g.Where(f => f.Delay is not null).Average(f => (double)f.Delay!.Value)))
            .OrderByDescending(r => r.AvgDelay).ThenBy(r => r.Origin, StringComparer.Ordinal).ThenBy(r => r.Destination, StringComparer.Ordinal)
            .Take(10)
            .ToList();

        var run = await host.RunAsync("flights-daily", new DagRunTrigger(LogicalDate: new DateTimeOffset(2001, 1, 10, 0, 0, 0, TimeSpan.Zero)), TimeSpan.FromSeconds(120));

        Assert.Equal(DagRunState.Success, run.State);
        Assert.Equal("flights-daily", run.DagId);
        var routes = await host.ReadRowsAsync(run.Tasks.Single(t => t.Id == "top-routes").Outputs["routes"], orderBy: "avg_delay DESC, origin, destination");
        Assert.Equal(10, expected.Count);
        Assert.Equal(expected.Select(r => $"{r.Origin}-{r.Destination}"), routes.Select(r => $"{r["origin"]}-{r["destination"]}"));
        Assert.Equal(expected[0].AvgDelay, Convert.ToDouble(routes[0]["avg_delay"], CultureInfo.InvariantCulture), 9);
    }

    [Fact]
    public async Task Run_BranchOnSqlResult_FollowsTheValueTheQueryReturns()
    {
        var dag = PipelineTestHost.Dag("""
            id: sql-branch
            tasks:
              - id: decide
                kind: branch
                inputs: [{ name: prices, path: samples/stocks.csv, options: { header: "true" } }]
                branch:
                  sql: "SELECT CASE WHEN COUNT(DISTINCT symbol) > 3 THEN 'many' ELSE 'few' END FROM prices"
                  cases: { many: [wide], few: [narrow] }
              - { id: wide, kind: sql, dependsOn: [decide], sql: SELECT 1 AS x, outputs: [rows] }
              - { id: narrow, kind: sql, dependsOn: [decide], sql: SELECT 2 AS x, outputs: [rows] }
            """);
        var symbols = Convert.ToInt64(PipelineTestHost.Query($"SELECT COUNT(DISTINCT symbol) AS n FROM read_csv_auto('{Data("stocks.csv")}', header=true)")[0]["n"], CultureInfo.InvariantCulture);
        await using var host = await StartAsync(dag);

        var run = await host.RunAsync("sql-branch");

        var (chosen, other) = symbols > 3 ? ("wide", "narrow") : ("narrow", "wide");
        Assert.Equal(TaskInstanceState.Success, run.Tasks.Single(t => t.Id == chosen).State);

        // The branch's attempt log says what the query returned and which task it follows.
        var log = (await host.Account.Blobs.GetBlobContainerClient(host.DataContainer).GetBlobClient($"sql-branch/{run.RunId}/_logs/decide/attempt-1.log").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains($"branch: the query returned '{(symbols > 3 ? "many" : "few")}'; follows {chosen}", log, StringComparison.Ordinal);
        Assert.Equal(TaskInstanceState.Skipped, run.Tasks.Single(t => t.Id == other).State);
    }

    private async Task<PipelineTestHost> StartAsync(params DagDefinition[] extra)
    {
        var samples = (await new DagFolderSource(RepositoryPaths.SampleDags).LoadAsync()).Select(r => r.Dag!).ToList();
        await UploadLock.WaitAsync();
        try
        {
            if (sharedContainer is null)
            {
                var name = AzuriteFixture.UniqueName("samples");
                var container = azurite.CreateAccount().Blobs.GetBlobContainerClient(name);
                await container.CreateIfNotExistsAsync();
                foreach (var file in new[] { "flights-3m.parquet", "airports.csv", "stocks.csv" })
                {
                    await container.GetBlobClient("samples/" + file).UploadAsync(Path.Combine(DuckDbSampleRunner.DataFolder, file), overwrite: true);
                }

                sharedContainer = name;
            }
        }
        finally
        {
            UploadLock.Release();
        }

        return await PipelineTestHost.StartAsync(azurite, [.. samples, .. extra], configure: null, dataContainer: sharedContainer);
    }
}
