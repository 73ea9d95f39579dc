using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Serverless.Cli.Hosting;
using Serverless.Cli.Tests.Support;
using Serverless.Pipelines.Tests.Samples;
using Serverless.Storage.Emulator;
using Serverless.Testing;

namespace Serverless.Cli.Tests.Commands;

/// <summary>
/// <c>dags test</c> and <c>tasks test</c> as a user runs them with nothing running: the real local host and Azurite
/// are started by the command on ports of their own and are gone when it ends. Expected counts come from Parquet.Net
/// and LINQ over the sample file (the Pipelines tests' independent reader), not from the engine.
/// </summary>
public sealed partial class TestCommandsTests
{
    /// <summary>The README's <c>dags test</c> example, which this class runs (the README test checks that the README still says it).</summary>
    public const string ReadmeDagsTest = "dags test departure-delays";

    /// <summary>The README's <c>tasks test</c> example, which this class runs.</summary>
    public const string ReadmeTasksTest = "tasks test departure-delays phl-dfw-delayed";

    private static readonly Lazy<Task<IList<FlightsParquet.Flight>>> Flights = new(() => FlightsParquet.ReadAsync(Path.Combine(RepositoryPaths.SampleData, "flights-3m.parquet")));

    [Fact]
    public async Task DagsTest_DepartureDelays_PrintsEachTasksRowsAndTheSummary_AndStopsWhatItStarted()
    {
        var flights = await Flights.Value;
        var delayed = flights.LongCount(f => f.Origin == "PHL" && f.Destination == "DFW" && f.Delay > 150);
        var shortFlights = flights.LongCount(f => f.Distance < 200);
        var longFlights = flights.LongCount(f => f.Distance > 600);
        Assert.Equal([27L, 318_317L, 1_417_098L], new[] { delayed, shortFlights, longFlights });

        var result = await InProcessCli.RunWithRealHostAsync(ReadmeDagsTest.Split(' '));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Matches(TaskRow("phl-dfw-delayed", delayed), result.Output);
        Assert.Matches(TaskRow("short-flights", shortFlights), result.Output);
        Assert.Matches(TaskRow("long-flights", longFlights), result.Output);
        Assert.Matches(TaskRow("load", flights.Count), result.Output);
        Assert.Matches($@"\n\s+{delayed}\s+{shortFlights}\s+{longFlights}\s*\n", result.Output.ReplaceLineEndings("\n"));
        Assert.Contains("summary.summary → scratch/departure-delays/", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("→ data/", result.Output, StringComparison.Ordinal);
        await AssertStoppedAsync(result);
    }

    [Fact]
    public async Task TasksTest_NoEarlierRun_RunsTheUpstreamIntoScratchFirst_AndPrintsTheTasksRows()
    {
        var flights = await Flights.Value;
        var delayed = flights.LongCount(f => f.Origin == "PHL" && f.Destination == "DFW" && f.Delay > 150);

        var result = await InProcessCli.RunWithRealHostAsync(ReadmeTasksTest.Split(' '));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains($"Task phl-dfw-delayed: success, {delayed} rows in ", result.Output, StringComparison.Ordinal);
        Assert.Matches(TaskRow("load", flights.Count), result.Output);

        // Only the task and its upstream ran; only the task's output is previewed, with its first rows.
        Assert.DoesNotContain("short-flights", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("summary", result.Output, StringComparison.Ordinal);
        Assert.Contains("phl-dfw-delayed.flights → scratch/departure-delays/", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("load.flights →", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+2001-\S+ \S+\s+\d+\s+1302\s+PHL\s+DFW", result.Output.ReplaceLineEndings("\n"));
        await AssertStoppedAsync(result);
    }

    [Fact]
    public async Task TasksTest_WithAHostThatRanTheDag_TakesTheUpstreamOutputsOfItsLatestSuccess_AndRunsOnlyTheTask()
    {
        var flights = await Flights.Value;
        var delayed = flights.LongCount(f => f.Origin == "PHL" && f.Destination == "DFW" && f.Delay > 200);
        await using var azurite = await AzuriteProcess.StartAsync(AzuriteProcess.FindAzuriteScript(RepositoryPaths.Root));
        var folder = Directory.CreateTempSubdirectory("cli-earlier-run-");
        try
        {
            var storage = new Dictionary<string, string> { [LocalHostLauncher.HostDllVariable] = RepositoryPaths.LocalHostDll, ["AzureWebJobsStorage"] = azurite.ConnectionString };
            await using var host = await new LocalHostLauncher(storage.GetValueOrDefault, TextWriter.Null, workingDirectory: folder.FullName).StartAsync();
            var variables = new Dictionary<string, string>(storage) { ["SERVERLESS_URL"] = host.Address.ToString(), ["SERVERLESS_KEY"] = host.Key };
            var earlier = await InProcessCli.RunWithRealHostAsync(variables, "run", "departure-delays", "--follow", "--rows", "0");
            Assert.True(earlier.ExitCode == ExitCodes.Success, earlier.ToString());
            var runId = Regex.Match(earlier.Output, @"Run (\S+) of departure-delays started").Groups[1].Value;

            var result = await InProcessCli.RunWithRealHostAsync(variables, "tasks", "test", "departure-delays", "phl-dfw-delayed", "--param", "min_delay=200");
            var unknown = await InProcessCli.RunWithRealHostAsync(variables, "tasks", "test", "departure-delays", "phl-dfw-delayed", "--run", "departure-delays__no-such-run");

            Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
            Assert.Contains($"Upstream outputs from run {runId} (data/departure-delays/{runId}/load/flights/)", result.Error, StringComparison.Ordinal);
            Assert.Contains($"Task phl-dfw-delayed: success, {delayed} rows in ", result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("│ load", result.Output, StringComparison.Ordinal);
            Assert.Contains("phl-dfw-delayed.flights → scratch/departure-delays/", result.Output, StringComparison.Ordinal);
            await AssertStoppedAsync(result);
            Assert.True(unknown.ExitCode == ExitCodes.Failure, unknown.ToString());
            Assert.Contains("departure-delays__no-such-run", unknown.Error, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TasksTest_RunWithoutAHost_Exits1NamingTheOptionToAdd()
    {
        var result = await InProcessCli.RunWithRealHostAsync("tasks", "test", "departure-delays", "phl-dfw-delayed", "--run", "r1");

        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Contains("--run r1 names a run of a host: give that host's --url", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Started", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TasksTest_AFailingParam_Exits1WithTheTasksError_AndStopsWhatItStarted()
    {
        var result = await InProcessCli.RunWithRealHostAsync("tasks", "test", "departure-delays", "phl-dfw-delayed", "--param", "min_delay=\"not a number\"");

        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Contains("min_delay", result.Error, StringComparison.Ordinal);
        await AssertStoppedAsync(result);
    }

    [Fact]
    public async Task DagsTest_CtrlCWhileTheRunRuns_Exits130_AndStopsTheHostAndAzurite()
    {
        using var ctrlC = new CancellationTokenSource();

        // Pressed when the first task is seen running: the scratch host and its Azurite are up and a run is in flight.
        var result = await InProcessCli.RunWithRealHostAsync(new CancellingWriter("running (attempt", ctrlC), ctrlC.Token, ReadmeDagsTest.Split(' '));

        Assert.True(ctrlC.IsCancellationRequested, result.ToString());
        Assert.True(result.ExitCode == ExitCodes.Cancelled, result.ToString());
        Assert.Contains("cancelled.", result.Error, StringComparison.Ordinal);
        await AssertStoppedAsync(result);
    }

    private static string TaskRow(string task, long rows) =>
        $@"│ {Regex.Escape(task)}\s+│ success │ [0-9.]+ s\s+│\s+{Regex.Escape(rows.ToString("N0", CultureInfo.InvariantCulture))} │";

    private static async Task AssertStoppedAsync(CliResult result)
    {
        // Every port the command said it opened (the host's and Azurite's three) is closed once it returned.
        var ports = PortsSaid().Matches(result.Error).Select(m => int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(ports.Count == 4, result.ToString());
        foreach (var port in ports)
        {
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", port));
        }
    }

    [GeneratedRegex(@"127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex PortsSaid();
}
