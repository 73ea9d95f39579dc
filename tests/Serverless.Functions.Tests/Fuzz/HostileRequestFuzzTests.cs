using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Fuzz;

/// <summary>
/// A fuzz suite of hostile and malformed requests over every route of a real local host (a child process, so its
/// memory can be read and a crash would show): no 5xx, no answer slower than 5 s, problem+json on every error, and a
/// healthy host with bounded peak memory afterwards. The requests come from a seeded generator, so a failure repeats.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostileRequestFuzzTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Key = "fuzz-key-0123456789";
    private const int Seed = 20261201;
    private const int HandPickedCount = 17;
    private static readonly TimeSpan MaxAnswer = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Host_SixHundredHostileRequests_NoServerErrorNoHangProblemJsonAndHealthyAfter()
    {
        var folder = Directory.CreateTempSubdirectory("fuzz-");
        File.Copy(Path.Combine(RepositoryPaths.Root, "orchestrations", "dags", "hello.yaml"), Path.Combine(folder.FullName, "hello.yaml"));
        var baseAddress = new Uri($"http://127.0.0.1:{LocalHostProcess.FreePort()}/");
        await using var host = await LocalHostProcess.StartAsync(
            RepositoryPaths.LocalHostDll,
            baseAddress,
            new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Serverless__TaskHub"] = AzuriteFixture.UniqueName("fuzz"),
                ["Serverless__ApiKey"] = Key,
                ["Serverless__DagFolder"] = folder.FullName,
                ["Serverless__Scheduler"] = "false",
                ["Serverless__UploadSampleData"] = "false",
                ["Spark__DataContainer"] = AzuriteFixture.UniqueName("data"),
            },
            folder.FullName);
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var failures = new List<string>();
        var count = 0;
        var handPicked = HandPickedCount;
        try
        {
            foreach (var (method, path, body, contentType, withKey) in Requests())
            {
                count++;
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
                if (withKey)
                {
                    request.Headers.Add("x-functions-key", Key);
                }

                if (body is not null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType ?? "application/json");
                }

                var clock = Stopwatch.StartNew();
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(request);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failures.Add($"{method} {Short(path)}: no answer ({e.GetType().Name}); host output:\n{host.Output}");
                    break;
                }

                using (response)
                {
                    var status = (int)response.StatusCode;
                    var type = response.Content.Headers.ContentType?.MediaType;
                    if (status >= 500)
                    {
                        failures.Add($"{method} {Short(path)} → {status}: {Short(await response.Content.ReadAsStringAsync())}");
                    }
                    else if (status >= 400 && type != "application/problem+json")
                    {
                        failures.Add($"{method} {Short(path)} → {status} with content type '{type}', not problem+json");
                    }

                    // The probe's own cases must each be refused, not accepted.
                    if (count <= handPicked && status is not (400 or 404 or 413))
                    {
                        failures.Add($"{method} {Short(path)} → {status}, expected a 400, 404 or 413 refusal");
                    }

                    if (clock.Elapsed > MaxAnswer)
                    {
                        failures.Add($"{method} {Short(path)} took {clock.Elapsed.TotalSeconds:0.0} s");
                    }
                }
            }

            var health = await client.GetAsync(new Uri("api/health", UriKind.Relative));
            var peakMb = PeakRssMb(host.ProcessId);
            output.WriteLine($"{count} requests, {failures.Count} failures, host peak RSS {peakMb} MB");
            Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
            Assert.True(count >= 500, $"only {count} requests were generated");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.True(peakMb < 500, $"the host's peak RSS was {peakMb} MB");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Short(string text) => text.Length <= 120 ? text : text[..120] + "…";

    private static long PeakRssMb(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return -1;
    }

    private static IEnumerable<(string Method, string Path, byte[]? Body, string? ContentType, bool WithKey)> Requests()
    {
        var random = new Random(Seed);
        string[] routes =
        [
            "api/dags/hello/runs", "api/runs/x", "api/runs", "api/runs/x/terminate", "api/runs/x/events/go", "api/runs/x/rerun",
            "api/runs/x/manifest", "api/dags", "api/dags/validate", "api/dags/hello", "api/dags/hello/backfill", "api/openapi.json",
        ];
        string[] methods = ["GET", "POST", "DELETE", "PUT", "PATCH"];

        // Hand-picked cases from the probe that found the crashes.
        var cases = new List<(string, string, byte[]?, string?, bool)>
        {
            ("POST", "api/dags/validate", Utf8("a: &a [*a]"), "application/yaml", true),
            ("POST", "api/dags/validate", Utf8("x: " + new string('[', 100_000)), "application/yaml", true),
            ("POST", "api/dags/validate", Utf8(string.Concat(Enumerable.Repeat("{a: ", 20_000))), "application/yaml", true),
            ("POST", "api/dags/validate", Utf8(BillionLaughs(9)), "application/yaml", true),
            ("POST", "api/dags/hello/runs", Utf8("""{"runId":"a","runId":"b"}"""), null, true),
            ("POST", "api/dags/hello/runs", Utf8("""{"params":{"a":1,"a":2}}"""), null, true),
            ("POST", "api/dags/hello/runs", Utf8("""{"logicalDate":"9999-12-31T23:59:59.9999999Z"}"""), null, true),
            ("POST", "api/dags/hello/runs", Utf8("""{"runId":"hello__scheduled-20010110T000000Z"}"""), null, true),
            ("POST", "api/dags/hello/runs", Utf8("""{"runId":"x-hello__scheduled-20010110T000000Z"}"""), null, true),
            ("POST", "api/dags/hello/backfill", Utf8("""{"from":"2024-01-01","from":"2024-01-02","to":"2024-01-03"}"""), null, true),
            ("POST", "api/dags/hello/backfill", Utf8("""{"from":"2024-01-01","to":"2024-01-03","maxActiveRuns":1e20}"""), null, true),
            ("POST", "api/runs/x/rerun", Utf8("""{"tasks":["a"],"tasks":["b"]}"""), null, true),
            ("GET", "api/nope.json", null, null, true),
            ("GET", "api/runs/x.json", null, null, true),
            ("GET", "api/../../etc/passwd", null, null, true),
            ("GET", "api/runs/%2e%2e%2f%2e%2e", null, null, true),
            ("POST", "api/dags/hello/runs", new byte[(1024 * 1024) + 10], null, true),
        };
        if (cases.Count != HandPickedCount)
        {
            throw new InvalidOperationException("HandPickedCount must match the hand-picked cases.");
        }

        foreach (var c in cases)
        {
            yield return c;
        }

        string[] bodies =
        [
            "", "{", "}", "[]", "null", "true", "1", "\"s\"", "{\"params\":[]}", "{\"params\":{\"n\":9223372036854775808}}",
            "{\"params\":{\"n\":1e400}}", "{\"logicalDate\":\"yesterday\"}", "{\"logicalDate\":12}", "{\"runId\":\"../x\"}",
            "{\"runId\":\"" + new string('a', 5000) + "\"}", "{\"unknown\":1}", "{\"tasks\":\"a\"}", "{\"onlyFailed\":\"yes\"}",
            "{\"from\":\"2024-13-45\",\"to\":\"2024-01-01\"}", "{\"maxActiveRuns\":-1}", "{\"maxActiveRuns\":\"2\"}",
            "\u0000\u0001\u0002", "{\"a\":" + string.Concat(Enumerable.Repeat("[", 5000)) + "}", "{\"params\":{\"x\":{\"y\":1,\"y\":2}}}",
            "id: x\ntasks:\n\t- id: a", "id: [", "tasks: !!binary AAAA", "%YAML 9.9\n---\nid: x",
        ];
        string[] ids = ["hello", "x", "a" + new string('b', 300), "%00", "..", "a b", "UPPER", "x__scheduled-20240101T000000Z", "émoji-🙂", "'; DROP TABLE"];
        for (var i = 0; i < 600; i++)
        {
            var route = routes[random.Next(routes.Length)];
            var id = Uri.EscapeDataString(ids[random.Next(ids.Length)]);
            var path = route.Replace("hello", random.Next(3) == 0 ? id : "hello", StringComparison.Ordinal).Replace("/x", "/" + id, StringComparison.Ordinal);
            if (random.Next(5) == 0)
            {
                path += "?" + (random.Next(2) == 0 ? "pageSize=" + random.Next(-5, 5000) : "state=" + id) + "&continuation=" + id + "&from=" + id;
            }

            var method = random.Next(4) == 0 ? methods[random.Next(methods.Length)] : (route.Contains("runs/x", StringComparison.Ordinal) && !route.EndsWith('x') ? "POST" : route is "api/runs" or "api/dags" or "api/openapi.json" ? "GET" : "POST");
            var body = method is "GET" ? null : Utf8(bodies[random.Next(bodies.Length)]);
            var type = random.Next(6) switch { 0 => "application/yaml", 1 => "text/plain", 2 => "application/x-www-form-urlencoded", _ => "application/json" };
            yield return (method, path, body, type, random.Next(20) != 0);
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string BillionLaughs(int levels)
    {
        var text = new StringBuilder("a0: &a0 [\"lol\"]\n");
        for (var i = 1; i <= levels; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"a{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        }

        return text.ToString();
    }
}
