using System.Globalization;
using System.Text.Json.Nodes;

namespace Serverless.Spark.Tests.Support.Fakes;

/// <summary>
/// The Databricks Jobs API 2.2 as the Go SDK's <c>service/jobs</c> (<c>model.go</c>, <c>api.go</c>) describes it, with
/// a scripted state sequence per run:
/// <list type="bullet">
/// <item><c>POST /api/2.2/jobs/runs/submit</c> (<c>SubmitRun</c>): an <c>idempotency_token</c> already used returns
/// the existing run; "If a run with the provided token is deleted, an error is returned" (the wording of that error is
/// not published; the fake's names the token). <c>queue.enabled</c> (on unless sent false) queues a run at
/// <see cref="ActiveRunsLimit"/> (<c>QUEUED</c>, <c>queue_details.code</c> ACTIVE_RUNS_LIMIT_REACHED); without it the
/// run is skipped (<c>TERMINATED</c>, code SKIPPED).</item>
/// <item><c>GET /api/2.2/jobs/runs/get?run_id</c> (<c>Run</c>): <c>status</c> (<c>RunStatus</c>: state,
/// termination_details code/type/message, queue_details), <c>tasks[].run_id</c>, <c>run_page_url</c>,
/// <c>start_time</c>, <c>end_time</c>; the deprecated <c>state</c> only when <see cref="SendDeprecatedState"/>.
/// An unknown run is a 400 with one of the two not-found forms (<see cref="NotFoundForm"/>).</item>
/// <item><c>GET /api/2.2/jobs/runs/get-output?run_id</c> (<c>RunOutput</c>: error, error_trace, logs) answers for a
/// task run only; the submitted (multi-task) run's id is a 400.</item>
/// <item><c>POST /api/2.2/jobs/runs/cancel</c>: "The run is canceled asynchronously, so it may still be running when
/// this request completes": the next read shows TERMINATING, the one after TERMINATED with USER_CANCELED. A finished
/// run stays as it ended.</item>
/// </list>
/// Other paths (for example API 2.1) answer 404.
/// </summary>
internal sealed class FakeDatabricks
{
    private const string Api = "/api/2.2/jobs/";
    private readonly Dictionary<string, long> runsByToken = [];
    private readonly HashSet<string> deletedTokens = [];
    private readonly Dictionary<long, FakeRun> runs = [];
    private readonly Lock gate = new();
    private long nextRun = 500;

    /// <summary>Gets or sets the states a new run goes through, one per read: (RunStatus.state, termination code).</summary>
    public (string State, string? Code)[] States { get; set; } = [("PENDING", null), ("RUNNING", null), ("TERMINATING", null), ("TERMINATED", "SUCCESS")];

    /// <summary>Gets or sets how many runs may be active before further ones queue (0: no limit).</summary>
    public int ActiveRunsLimit { get; set; }

    /// <summary>Gets or sets a value indicating whether answers also carry the deprecated top-level <c>state</c>.</summary>
    public bool SendDeprecatedState { get; set; }

    /// <summary>Gets or sets the not-found message of an unknown run: <c>{0}</c> is the run id.</summary>
    public string NotFoundForm { get; set; } = "Run {0} does not exist.";

    /// <summary>Gets how many runs were created, deleted ones included.</summary>
    public int Created { get; private set; }

    /// <summary>Gets the submitted bodies by run id.</summary>
    public Dictionary<long, JsonObject> Submitted { get; } = [];

    /// <summary>Deletes a run as <c>runs/delete</c> or the 60-day retention would.</summary>
    public void Delete(long runId)
    {
        lock (this.gate)
        {
            this.runs.Remove(runId);
            foreach ((string token, long id) in this.runsByToken.Where(p => p.Value == runId).ToList())
            {
                this.runsByToken.Remove(token);
                this.deletedTokens.Add(token);
            }
        }
    }

    /// <summary>Answers one request.</summary>
    public FakeResponse Handle(RecordedRequest request)
    {
        lock (this.gate)
        {
            if (!request.Path.StartsWith(Api, StringComparison.Ordinal))
            {
                return new FakeResponse(404, new JsonObject { ["error_code"] = "ENDPOINT_NOT_FOUND", ["message"] = $"No API found for '{request.Method} {request.Path}'" });
            }

            return (request.Method, request.Path[Api.Length..]) switch
            {
                ("POST", "runs/submit") => this.Submit(request.Json),
                ("GET", "runs/get") => this.Get(long.Parse(request.QueryValue("run_id")!, CultureInfo.InvariantCulture)),
                ("GET", "runs/get-output") => this.Output(long.Parse(request.QueryValue("run_id")!, CultureInfo.InvariantCulture)),
                ("POST", "runs/cancel") => this.Cancel(request.Json["run_id"]!.GetValue<long>()),
                _ => new FakeResponse(404, new JsonObject { ["error_code"] = "ENDPOINT_NOT_FOUND" }),
            };
        }
    }

    private static FakeResponse Error(string code, string message) => new(400, new JsonObject { ["error_code"] = code, ["message"] = message });

    private FakeResponse Submit(JsonObject body)
    {
        string? token = body["idempotency_token"]?.ToString();
        if (token is not null && this.deletedTokens.Contains(token))
        {
            return Error("INVALID_STATE", $"The run with idempotency token {token} was deleted.");
        }

        if (token is not null && this.runsByToken.TryGetValue(token, out long existing))
        {
            return new FakeResponse(200, new JsonObject { ["run_id"] = existing });
        }

        long id = ++this.nextRun;
        bool queue = body["queue"]?["enabled"]?.GetValue<bool>() ?? true;
        int active = this.runs.Values.Count(r => r.State is not ("TERMINATED" or "QUEUED"));
        var run = new FakeRun(id, id + 10_000, this.States);
        if (this.ActiveRunsLimit > 0 && active >= this.ActiveRunsLimit)
        {
            run.Hold(queue ? ("QUEUED", null) : ("TERMINATED", "SKIPPED"));
        }

        this.runs[id] = run;
        this.Created++;
        this.Submitted[id] = body;
        if (token is not null)
        {
            this.runsByToken[token] = id;
        }

        return new FakeResponse(200, new JsonObject { ["run_id"] = id });
    }

    private FakeResponse NotFound(long id) => Error("INVALID_PARAMETER_VALUE", string.Format(CultureInfo.InvariantCulture, this.NotFoundForm, id));

    private FakeResponse Get(long id)
    {
        if (!this.runs.TryGetValue(id, out FakeRun? run))
        {
            return this.NotFound(id);
        }

        run.Advance();
        var status = new JsonObject { ["state"] = run.State };
        if (run.State == "QUEUED")
        {
            status["queue_details"] = new JsonObject { ["code"] = "ACTIVE_RUNS_LIMIT_REACHED", ["message"] = "Queued: the workspace reached its limit of active runs." };
        }

        if (run.Code is not null)
        {
            status["termination_details"] = new JsonObject
            {
                ["code"] = run.Code,
                ["type"] = run.Code switch { "SUCCESS" or "USER_CANCELED" => "SUCCESS", "SKIPPED" or "DRIVER_ERROR" or "RUN_EXECUTION_ERROR" => "CLIENT_ERROR", _ => "INTERNAL_ERROR" },
                ["message"] = run.Code == "RUN_EXECUTION_ERROR" ? "Task main failed with message: Workload failed, see run output for details." : string.Empty,
            };
        }

        var answer = new JsonObject
        {
            ["run_id"] = id,
            ["status"] = status,
            ["tasks"] = new JsonArray(new JsonObject { ["run_id"] = run.TaskRunId, ["task_key"] = "main" }),
            ["run_page_url"] = $"https://adb-1.2.azuredatabricks.net/?o=1#job/0/run/{id}",
            ["start_time"] = 1_764_000_000_000L,
            ["end_time"] = run.State == "TERMINATED" ? 1_764_000_060_000L : 0L,
        };
        if (this.SendDeprecatedState)
        {
            answer["state"] = new JsonObject { ["life_cycle_state"] = run.State, ["result_state"] = run.Code, ["state_message"] = string.Empty };
        }

        return new FakeResponse(200, answer);
    }

    private FakeResponse Output(long id)
    {
        if (this.runs.ContainsKey(id))
        {
            return Error("INVALID_PARAMETER_VALUE", "Retrieving the output of runs with multiple tasks is not supported. Please retrieve the output of each individual task run instead.");
        }

        FakeRun? run = this.runs.Values.FirstOrDefault(r => r.TaskRunId == id);
        if (run is null)
        {
            return this.NotFound(id);
        }

        var output = new JsonObject { ["logs"] = "stdout: reading flights\nstdout: writing n", ["logs_truncated"] = false };
        if (run.Code == "RUN_EXECUTION_ERROR")
        {
            output["error"] = "AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `flightz` cannot be found.";
            output["error_trace"] = "pyspark.errors.exceptions.captured.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND]\n  at sql_runner.py line 42";
        }

        return new FakeResponse(200, output);
    }

    private FakeResponse Cancel(long id)
    {
        if (!this.runs.TryGetValue(id, out FakeRun? run))
        {
            return this.NotFound(id);
        }

        run.Cancel();
        return new FakeResponse(200, new JsonObject());
    }

    private sealed class FakeRun(long id, long taskRunId, (string State, string? Code)[] states)
    {
        private readonly Queue<(string State, string? Code)> next = new(states);
        private (string State, string? Code)? held;

        public long Id { get; } = id;

        public long TaskRunId { get; } = taskRunId;

        public string State { get; private set; } = "PENDING";

        public string? Code { get; private set; }

        public void Hold((string State, string? Code) state)
        {
            this.held = state;
            (this.State, this.Code) = state;
        }

        public void Advance()
        {
            if (this.State == "TERMINATED" && this.held is null)
            {
                return;
            }

            if (this.held is { } h)
            {
                (this.State, this.Code) = h;
                return;
            }

            if (this.next.Count > 0)
            {
                (this.State, this.Code) = this.next.Dequeue();
            }
        }

        public void Cancel()
        {
            if (this.State == "TERMINATED")
            {
                return;
            }

            this.held = null;
            this.next.Clear();
            this.next.Enqueue(("TERMINATING", null));
            this.next.Enqueue(("TERMINATED", "USER_CANCELED"));
        }
    }
}
