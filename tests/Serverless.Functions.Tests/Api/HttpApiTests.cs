using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Tests.Support;
using Serverless.Pipelines.Notifications;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Api;

/// <summary>The API's shape (status codes, headers, problems, keys, limits) over real HTTP, with an in-memory run service.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HttpApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeDagRunService runs = new();
    private TestHost host = null!;

    public static TheoryData<string, string> KeyedRoutes => new()
    {
        { "GET", "/api/dags" },
        { "GET", "/api/dags/hello" },
        { "POST", "/api/dags/validate" },
        { "POST", "/api/dags/refresh" },
        { "POST", "/api/dags/hello/runs" },
        { "POST", "/api/dags/hello/backfill" },
        { "POST", "/api/dags/hello/pause" },
        { "POST", "/api/dags/hello/unpause" },
        { "GET", "/api/runs" },
        { "GET", "/api/task-instances" },
        { "GET", "/api/notifications/dead-letters?dag=hello" },
        { "GET", "/api/runs/r1" },
        { "GET", "/api/runs/r1/tasks/t1/logs" },
        { "POST", "/api/runs/r1/terminate" },
        { "POST", "/api/runs/r1/events/go" },
        { "POST", "/api/runs/r1/rerun" },
        { "POST", "/api/runs/r1/mark" },
        { "DELETE", "/api/runs/r1" },
        { "GET", "/api/openapi.json" },
    };

    public async Task InitializeAsync() =>
        this.host = await TestHost.StartAsync(azurite, s => s.AddSingleton<IDagRunServiceFactory>(new FakeDagRunServiceFactory(this.runs)));

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Fact]
    public async Task Health_WithoutKey_Returns200()
    {
        var response = await this.host.Anonymous.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(KeyedRoutes))]
    public async Task Route_MissingOrWrongKey_Returns401Problem(string method, string path)
    {
        using var missing = await this.host.Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        var wrong = new HttpRequestMessage(new HttpMethod(method), path);
        wrong.Headers.Add("x-functions-key", TestHost.Key + "x");
        using var wrongResponse = await this.host.Anonymous.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);

        using var wrongCode = await this.host.Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path + "?code=nope"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongCode.StatusCode);
    }

    [Fact]
    public async Task Route_KeyInCodeQuery_IsAccepted()
    {
        var response = await this.host.Anonymous.GetAsync($"/api/dags?code={TestHost.Key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TriggerRun_Valid_Returns202WithLocationRetryAfterAndManagementUris()
    {
        var response = await this.PostJsonAsync("/api/dags/hello/runs", """{ "params": { "n": 3 }, "runId": "my-run-1" }""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var expectedStatus = new Uri(this.host.BaseAddress, "/api/runs/my-run-1").ToString();
        Assert.Equal(expectedStatus, response.Headers.Location!.ToString());
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter!.Delta);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("my-run-1", body["id"]!.GetValue<string>());
        Assert.Equal(expectedStatus, body["statusQueryGetUri"]!.GetValue<string>());
        Assert.Equal(expectedStatus + "/terminate?reason={text}", body["terminatePostUri"]!.GetValue<string>());
        Assert.Equal(expectedStatus + "/events/{eventName}", body["sendEventPostUri"]!.GetValue<string>());
        Assert.Equal(expectedStatus + "/rerun", body["rerunPostUri"]!.GetValue<string>());
        Assert.Equal(expectedStatus, body["purgeHistoryDeleteUri"]!.GetValue<string>());
        Assert.Equal(3, this.runs.Runs["my-run-1"].Params!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task TriggerRun_RepeatedRunId_ReturnsExistingRunNotCreated()
    {
        await this.PostJsonAsync("/api/dags/hello/runs", """{ "runId": "again-1" }""");
        var second = await this.PostJsonAsync("/api/dags/hello/runs", """{ "runId": "again-1" }""");

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.False(JsonNode.Parse(await second.Content.ReadAsStringAsync())!["created"]!.GetValue<bool>());
        Assert.Single(this.runs.Calls, c => c.StartsWith("trigger hello again-1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{ \"params\": ", "Malformed JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{ \"param\": {} }", "Unknown member(s) 'param'")]
    [InlineData("{ \"params\": 5 }", "'params' must be an object")]
    [InlineData("{ \"runId\": 5 }", "'runId' must be a string")]
    [InlineData("{ \"runId\": \"../x\" }", "not a valid run id")]
    [InlineData("{ \"logicalDate\": \"yesterday\" }", "ISO 8601")]
    [InlineData("{ \"params\": { \"bad\": 1 } }", "param 'bad' is not declared")]
    public async Task TriggerRun_BadInput_Returns400ProblemWithMessage(string body, string expected)
    {
        var response = await this.PostJsonAsync("/api/dags/hello/runs", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriggerRun_UnknownDag_Returns404Problem()
    {
        var response = await this.PostJsonAsync("/api/dags/nope/runs", "{}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("nope", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriggerRun_RunIdOfAnotherDag_Returns409()
    {
        this.runs.Runs["taken"] = new() { RunId = "taken", DagId = "other", State = DagRunState.Success };
        var response = await this.PostJsonAsync("/api/dags/hello/runs", """{ "runId": "taken" }""");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task TriggerRun_BodyOver1MB_Returns413ForDeclaredAndChunkedBodies()
    {
        var big = "{ \"params\": { \"x\": \"" + new string('a', (1024 * 1024) + 10) + "\" } }";
        var declared = await this.host.Client.PostAsync("/api/dags/hello/runs", new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("application/problem+json", declared.Content.Headers.ContentType?.MediaType);

        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/dags/hello/runs") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var response = await this.host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(this.runs.Runs);
    }

    [Fact]
    public async Task GetRun_QueuedThenFinished_Returns202WithRetryAfterThen200()
    {
        await this.PostJsonAsync("/api/dags/hello/runs", """{ "runId": "poll-1" }""");

        var running = await this.host.Client.GetAsync("/api/runs/poll-1");
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        Assert.NotNull(running.Headers.RetryAfter);
        Assert.Equal("queued", JsonNode.Parse(await running.Content.ReadAsStringAsync())!["state"]!.GetValue<string>());

        this.runs.Runs["poll-1"] = this.runs.Runs["poll-1"] with { State = DagRunState.Success, EndedAt = DateTimeOffset.UtcNow };
        var done = await this.host.Client.GetAsync("/api/runs/poll-1");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var body = JsonNode.Parse(await done.Content.ReadAsStringAsync())!;
        Assert.Equal("success", body["state"]!.GetValue<string>());
        Assert.Equal("hello", body["dagId"]!.GetValue<string>());
        Assert.NotNull(body["tasks"]);
    }

    [Fact]
    public async Task GetRun_Unknown_Returns404Problem()
    {
        var response = await this.host.Client.GetAsync("/api/runs/does-not-exist");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ListRuns_TwoPages_FollowsContinuation()
    {
        foreach (var id in new[] { "page-a", "page-b", "page-c" })
        {
            await this.PostJsonAsync("/api/dags/hello/runs", $$"""{ "runId": "{{id}}" }""");
        }

        var first = JsonNode.Parse(await this.host.Client.GetStringAsync("/api/runs?dag=hello&pageSize=2"))!;
        Assert.Equal(2, first["runs"]!.AsArray().Count);
        var next = first["nextLink"]!.GetValue<string>();
        var second = JsonNode.Parse(await this.host.Client.GetStringAsync(next))!;
        Assert.Single(second["runs"]!.AsArray());
        Assert.Null(second["continuation"]);

        var bad = await this.host.Client.GetAsync("/api/runs?state=sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task RunOperations_KnownRun_CallTheServiceWithTheRequestValues()
    {
        await this.PostJsonAsync("/api/dags/hello/runs", """{ "runId": "ops-1" }""");

        Assert.Equal(HttpStatusCode.Accepted, (await this.host.Client.PostAsync("/api/runs/ops-1/terminate?reason=stop%20now", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await this.PostJsonAsync("/api/runs/ops-1/events/data_ready", """{"rows":5}""")).StatusCode);
        var rerun = await this.PostJsonAsync("/api/runs/ops-1/rerun", """{ "tasks": ["square"], "onlyFailed": false }""");
        Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        Assert.Equal("ops-1-rerun", JsonNode.Parse(await rerun.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await this.host.Client.DeleteAsync("/api/runs/ops-1?data=true")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await this.host.Client.DeleteAsync("/api/runs/ops-1")).StatusCode);

        Assert.Contains("terminate ops-1 stop now by key:default", this.runs.Calls);
        Assert.Contains("event ops-1 data_ready {\"rows\":5}", this.runs.Calls);
        Assert.Contains("rerun ops-1 square False", this.runs.Calls);
        Assert.Contains("purge ops-1 True", this.runs.Calls);
        Assert.Equal(HttpStatusCode.NotFound, (await this.host.Client.PostAsync("/api/runs/unknown-run/terminate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.PostJsonAsync("/api/runs/ops-1/events/x", "{not json")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.PostJsonAsync("/api/runs/ops-1-rerun/rerun", """{ "tasks": "square" }""")).StatusCode);
    }

    [Fact]
    public async Task Dags_ListShowBackfill_ReturnModelScheduleAndRuns()
    {
        var list = JsonNode.Parse(await this.host.Client.GetStringAsync("/api/dags"))!["dags"]!.AsArray();
        Assert.Equal(2, list.Count);
        Assert.False(list.Single(d => d!["file"]!.GetValue<string>() == "broken.yaml")!["valid"]!.GetValue<bool>());

        var show = JsonNode.Parse(await this.host.Client.GetStringAsync("/api/dags/hello"))!;
        Assert.Equal("hello", show["definition"]!["id"]!.GetValue<string>());
        Assert.StartsWith("flowchart LR", show["mermaid"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await this.host.Client.GetAsync("/api/dags/broken")).StatusCode);

        var backfill = await this.PostJsonAsync("/api/dags/hello/backfill", """{ "from": "2024-01-01T00:00:00Z", "to": "2024-01-02T00:00:00Z", "maxActiveRuns": 2 }""");
        Assert.Equal(HttpStatusCode.Accepted, backfill.StatusCode);
        Assert.Equal(2, JsonNode.Parse(await backfill.Content.ReadAsStringAsync())!["runs"]!.AsArray().Count);
        Assert.Contains("backfill hello 2024-01-01T00:00:00.0000000+00:00 2024-01-02T00:00:00.0000000+00:00 2", this.runs.Calls);
        var reset = await this.PostJsonAsync("/api/dags/hello/backfill", """{ "from": "2024-01-01T00:00:00Z", "to": "2024-01-02T00:00:00Z", "reset": true, "params": { "n": 3 } }""");
        Assert.Equal(HttpStatusCode.Accepted, reset.StatusCode);
        Assert.Contains("backfill-options reset True params {\"n\":3} by key:default", this.runs.Calls);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.PostJsonAsync("/api/dags/hello/backfill", """{ "from": "2024-01-01T00:00:00Z", "to": "2024-01-02T00:00:00Z", "params": 3 }""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.PostJsonAsync("/api/dags/hello/backfill", """{ "from": "2024-01-02T00:00:00Z", "to": "2024-01-01T00:00:00Z" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.PostJsonAsync("/api/dags/hello/backfill", """{ "from": 1 }""")).StatusCode);
    }

    [Fact]
    public async Task ListTaskInstances_Filters_PassedToTheServiceAndBadValuesRefused()
    {
        var list = await this.host.Client.GetAsync("/api/task-instances?dag=hello&task=square&state=up_for_retry&pageSize=7");

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.NotNull(JsonNode.Parse(await list.Content.ReadAsStringAsync())!["taskInstances"]);
        Assert.Contains("task-instances hello square UpForRetry 7", this.runs.Calls);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.host.Client.GetAsync("/api/task-instances?state=sleeping")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.host.Client.GetAsync("/api/task-instances?pageSize=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.host.Client.GetAsync("/api/task-instances?task=a%2Fb")).StatusCode);
    }

    [Fact]
    public async Task MarkAndClear_KnownRun_PassStateTaskFlagsAndCaller()
    {
        await this.PostJsonAsync("/api/dags/hello/runs", """{ "runId": "mark-1" }""");

        var mark = await this.PostJsonAsync("/api/runs/mark-1/mark", """{ "state": "success", "task": "square" }""");
        var clear = await this.PostJsonAsync("/api/runs/mark-1/rerun", """{ "tasks": ["square"], "downstream": false, "upstream": true }""");

        Assert.Equal(HttpStatusCode.OK, mark.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, clear.StatusCode);
        Assert.Contains("mark mark-1 square Success by key:default", this.runs.Calls);
        Assert.Contains("clear mark-1 downstream False upstream True by key:default", this.runs.Calls);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.PostJsonAsync("/api/runs/mark-1/mark", """{ "state": "running" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.PostJsonAsync("/api/runs/mark-1/mark", """{ }""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.PostJsonAsync("/api/runs/mark-1/mark", """{ "state": "failed", "task": "../x" }""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await this.PostJsonAsync("/api/runs/unknown-run/mark", """{ "state": "failed" }""")).StatusCode);
    }

    [Fact]
    public async Task DeadLetters_DagAndRun_ListedWithoutUrlsAndDagRequired()
    {
        var at = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        this.runs.DeadLetters.Add(new NotificationDeadLetterRow("e1", "hello", "r1", "square", null, 1, "task_failed", "setting:ops", 5, "HTTP 500", at));
        this.runs.DeadLetters.Add(new NotificationDeadLetterRow("e2", "hello", "r2", null, null, null, "run_failed", "https://hooks.example.com", 5, "timeout", at));

        var all = JsonNode.Parse(await this.host.Client.GetStringAsync("/api/notifications/dead-letters?dag=hello"))!;
        var one = JsonNode.Parse(await this.host.Client.GetStringAsync("/api/notifications/dead-letters?dag=hello&run=r1"))!;

        Assert.Equal(["e1", "e2"], all["deadLetters"]!.AsArray().Select(d => d!["eventId"]!.GetValue<string>()));
        var letter = Assert.Single(one["deadLetters"]!.AsArray())!;
        Assert.Equal(("task_failed", "setting:ops", 5, "HTTP 500"), (letter["kind"]!.GetValue<string>(), letter["target"]!.GetValue<string>(), letter["attempts"]!.GetValue<int>(), letter["lastError"]!.GetValue<string>()));
        Assert.Contains("dead-letters hello r1", this.runs.Calls);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.host.Client.GetAsync("/api/notifications/dead-letters")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.host.Client.GetAsync("/api/notifications/dead-letters?dag=Bad%20Id")).StatusCode);
    }

    [Fact]
    public async Task PauseUnpause_KnownDag_RecordsCallerAndListShowsState()
    {
        var paused = await this.host.Client.PostAsync("/api/dags/hello/pause", null);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.True(JsonNode.Parse(await paused.Content.ReadAsStringAsync())!["paused"]!.GetValue<bool>());
        Assert.True(this.DagInList("hello")["paused"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.OK, (await this.host.Client.PostAsync("/api/dags/hello/unpause", null)).StatusCode);

        Assert.False(this.DagInList("hello")["paused"]!.GetValue<bool>());
        Assert.Contains("pause hello by key:default", this.runs.Calls);
        Assert.Contains("unpause hello by key:default", this.runs.Calls);
        var audit = JsonNode.Parse(await this.host.Client.GetStringAsync("/api/dags/hello"))!["audit"]!.AsArray();
        Assert.Equal([("unpause", "key:default"), ("pause", "key:default")], audit.Select(e => (e!["action"]!.GetValue<string>(), e["by"]!.GetValue<string>())));
        Assert.Equal(HttpStatusCode.NotFound, (await this.host.Client.PostAsync("/api/dags/nope/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await this.host.Client.PostAsync("/api/dags/Bad%20Id/pause", null)).StatusCode);
    }

    [Fact]
    public async Task ValidateDag_ValidYamlAndInvalidJson_Return200ModelAnd400EveryProblem()
    {
        var ok = await this.host.Client.PostAsync("/api/dags/validate", new StringContent("id: tiny\ntasks:\n  - id: a\n    kind: sql\n    sql: SELECT 1 AS one\n    outputs: [result]\n", Encoding.UTF8, "application/yaml"));
        Assert.True(ok.StatusCode == HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        Assert.Equal("tiny", JsonNode.Parse(await ok.Content.ReadAsStringAsync())!["dag"]!["id"]!.GetValue<string>());

        var bad = await this.PostJsonAsync("/api/dags/validate", """{ "id": "Bad Id", "tasks": [ { "id": "a", "kind": "sql", "dependsOn": ["zzz"], "sql": "SELECT 1" } ] }""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problems = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["problems"]!.AsArray();
        Assert.True(problems.Count >= 2, "expected a problem for the id and one for the unknown dependency");
        Assert.All(problems, p => Assert.True(p!["line"]!.GetValue<int>() >= 1));

        Assert.Equal(HttpStatusCode.BadRequest, (await this.PostJsonAsync("/api/dags/validate", "{ \"id\": ")).StatusCode);
    }

    [Fact]
    public async Task UnknownApiRoute_Returns404Problem()
    {
        var response = await this.host.Client.GetAsync("/api/nothing/here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenApi_EveryMappedApiRoute_IsDocumented()
    {
        var document = JsonNode.Parse(await this.host.Client.GetStringAsync("/api/openapi.json"))!;
        var paths = document["paths"]!.AsObject();
        var mapped = this.host.App.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(e => e.Pattern.StartsWith("/api/", StringComparison.Ordinal) && !e.Pattern.Contains("{*", StringComparison.Ordinal))
            .ToList();
        Assert.True(mapped.Count >= 13, $"expected the API routes, found {mapped.Count}");
        foreach (var (pattern, methods) in mapped)
        {
            Assert.True(paths.ContainsKey(pattern), $"{pattern} is not in openapi.json");
            foreach (var method in methods)
            {
                Assert.True(paths[pattern]!.AsObject().ContainsKey(method.ToLowerInvariant()), $"{method} {pattern} is not in openapi.json");
            }
        }
    }

    [Fact]
    public async Task Root_ServesDashboardPlaceholderLinkingOpenApi()
    {
        var html = await this.host.Anonymous.GetStringAsync("/");
        Assert.Contains("api/openapi.json", html, StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string body) =>
        this.host.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private JsonNode DagInList(string id) =>
        JsonNode.Parse(this.host.Client.GetStringAsync("/api/dags").GetAwaiter().GetResult())!["dags"]!.AsArray().Single(d => d!["id"]?.GetValue<string>() == id)!;
}
