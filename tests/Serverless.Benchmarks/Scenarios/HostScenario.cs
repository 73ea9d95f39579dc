using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>
/// The Functions app as a separate process: cold start to /api/health 200, HTTP trigger to the first task running,
/// and the host's peak RSS while it runs the data samples (departure-delays, flights-daily, stocks).
/// </summary>
internal sealed class HostScenario : IBenchmarkScenario
{
    private const string Key = "bench-key";

    public string Name => "host";

    public string Description => "Functions app: cold start, trigger to first task, peak RSS on the flights samples";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var root = BenchmarkContext.RepositoryRoot;
        await RunToEndAsync("dotnet", ["build", Path.Combine(root, "functions", "Serverless.Functions"), "-c", "Release", "-nologo", "-clp:ErrorsOnly", "-v:q"], cancellationToken);
        var app = Path.Combine(root, "functions", "Serverless.LocalHost", "bin", "Release", "net10.0", "Serverless.LocalHost.dll");

        // Baseline: the same executable doing nothing but start the runtime and print its usage.
        var baseline = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            await RunToEndAsync("dotnet", [app, "help"], cancellationToken);
            baseline.Add(clock.Elapsed.TotalMilliseconds);
        }

        // Cold start as under the Functions host (no sample upload): three starts, median.
        var coldStarts = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var (process, url, ms) = await StartHostAsync(app, context.ConnectionString, "bench" + i.ToString(CultureInfo.InvariantCulture), uploadSamples: false, cancellationToken);
            coldStarts.Add(ms);
            await StopAsync(process);
            _ = url;
        }

        BenchmarkContext.Emit(new JsonObject
        {
            ["scenario"] = "host",
            ["measure"] = "cold_start",
            ["cold_start_ms"] = Math.Round(Median(coldStarts)),
            ["baseline_runtime_start_ms"] = Math.Round(Median(baseline)),
            ["ratio"] = Math.Round(Median(coldStarts) / Median(baseline), 2),
            ["target_cold_start_ms"] = 3000,
            ["runs"] = 3,
        });

        var (host, baseUrl, _) = await StartHostAsync(app, context.ConnectionString, "benchrun", uploadSamples: true, cancellationToken);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
            http.DefaultRequestHeaders.Add("x-functions-key", Key);

            // Trigger to first task running, on the smallest DAG (one SQL task), three times.
            var toFirstTask = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                var runId = await TriggerAsync(http, "hello", cancellationToken);
                while (true)
                {
                    var run = JsonNode.Parse(await http.GetStringAsync(new Uri($"/api/runs/{runId}", UriKind.Relative), cancellationToken))!;
                    if (run["tasks"]!.AsArray().Any(t => t!["state"]!.GetValue<string>() is not ("none" or "queued")))
                    {
                        break;
                    }

                    await Task.Delay(20, cancellationToken);
                }

                toFirstTask.Add(clock.Elapsed.TotalMilliseconds);
            }

            BenchmarkContext.Emit(new JsonObject
            {
                ["scenario"] = "host",
                ["measure"] = "trigger_to_first_task",
                ["trigger_to_first_task_ms"] = Math.Round(Median(toFirstTask)),
                ["runs"] = 3,
                ["dag"] = "hello",
            });

            // The three data samples at once; the host's high-water mark RSS covers all of them.
            var clockAll = Stopwatch.StartNew();
            var runs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var dag in new[] { "departure-delays", "flights-daily", "stocks" })
            {
                runs[dag] = await TriggerAsync(http, dag, cancellationToken);
            }

            var states = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (dag, runId) in runs)
            {
                while (true)
                {
                    using var response = await http.GetAsync(new Uri($"/api/runs/{runId}", UriKind.Relative), cancellationToken);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        states[dag] = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!["state"]!.GetValue<string>();
                        break;
                    }

                    await Task.Delay(250, cancellationToken);
                }
            }

            BenchmarkContext.Emit(new JsonObject
            {
                ["scenario"] = "host",
                ["measure"] = "samples",
                ["peak_rss_mb"] = PeakRssMb(host.Id),
                ["target_peak_rss_mb"] = 400,
                ["samples_wall_s"] = Math.Round(clockAll.Elapsed.TotalSeconds, 1),
                ["states"] = new JsonObject(states.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)JsonValue.Create(s.Value)))),
            });
        }
        finally
        {
            await StopAsync(host);
        }
    }

    private static async Task<string> TriggerAsync(HttpClient http, string dag, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri($"/api/dags/{dag}/runs", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Triggering {dag} answered {(int)response.StatusCode}: {body}");
        }

        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    private static async Task<(Process Process, string Url, double Ms)> StartHostAsync(string app, string connectionString, string taskHub, bool uploadSamples, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(app);
        info.Environment["ASPNETCORE_URLS"] = url;
        info.Environment["AzureWebJobsStorage"] = connectionString;
        info.Environment["Serverless__ApiKey"] = Key;
        info.Environment["Serverless__TaskHub"] = taskHub;
        info.Environment["Serverless__UploadSampleData"] = uploadSamples ? "true" : "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            try
            {
                using var response = await http.GetAsync(new Uri(url + "/api/health"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return (process, url, clock.Elapsed.TotalMilliseconds);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow first answer; try again.
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {process.ExitCode} during start.");
            }

            await Task.Delay(10, cancellationToken);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The host did not answer /api/health within 120 s.");
    }

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    private static async Task RunToEndAsync(string file, string[] args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {await output}{await error}");
        }
    }

    private static double PeakRssMb(int processId)
    {
        var path = $"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/status";
        if (!File.Exists(path))
        {
            return 0;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return Math.Round(double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0, 1);
            }
        }

        return 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
