using System.Globalization;
using System.Text.Json.Nodes;

namespace Serverless.Spark.Tests.Support.Fakes;

/// <summary>
/// Synapse's Spark batch API as the Azure REST API spec defines it
/// (<c>specification/synapse/data-plane/Microsoft.Synapse/stable/2020-12-01/sparkJob.json</c>, paths
/// <c>/livyApi/versions/{livyApiVersion}/sparkPools/{sparkPoolName}/batches</c>):
/// <list type="bullet">
/// <item><c>GET /batches?from&amp;size&amp;detailed</c>: "By default [size] is 20 and that is the maximum", so a larger
/// size still returns at most 20.</item>
/// <item><c>POST /batches?detailed</c> with <c>SparkBatchJobOptions</c> (required: <c>name</c>, <c>file</c>; the
/// sizes are optional and the pool's defaults apply when left out); the batch starts <c>not_started</c>, scheduler
/// <c>Queued</c>.</item>
/// <item><c>GET /batches/{batchId}?detailed</c> (integer id) moves the batch one scripted state further. With
/// <c>detailed=true</c> the <c>SparkBatchJob</c> carries <c>result</c> (Uncertain, Succeeded, Failed, Cancelled),
/// <c>schedulerInfo</c> (<c>SparkScheduler</c>: submittedAt, scheduledAt, endedAt, cancellationRequestedAt,
/// currentState Queued/Scheduled/Ended), <c>livyInfo</c> (<c>SparkBatchJobState</c>: notStartedAt, startingAt,
/// runningAt, deadAt, successAt, killedAt, currentState) and <c>errorInfo</c> (<c>SparkServiceError</c>).</item>
/// <item><c>DELETE /batches/{batchId}</c> (no query parameters defined) cancels: the batch stays, <c>killed</c>,
/// result Cancelled, scheduler Ended.</item>
/// </list>
/// </summary>
internal sealed class FakeSynapse
{
    /// <summary>The largest page the spec allows.</summary>
    public const int MaxPageSize = 20;

    private readonly Dictionary<int, FakeBatch> batches = [];
    private readonly Dictionary<int, DateTimeOffset> cancellations = [];
    private readonly Lock gate = new();
    private readonly string prefix;
    private DateTimeOffset now = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private int nextId = 100;

    /// <summary>Initializes a new instance of the <see cref="FakeSynapse"/> class.</summary>
    /// <param name="prefix">The path of the batches collection.</param>
    public FakeSynapse(string prefix) => this.prefix = prefix;

    /// <summary>Gets or sets the states a new batch goes through after <c>not_started</c>, one per GET.</summary>
    public string[] States { get; set; } = ["starting", "running", "success"];

    /// <summary>Gets how many batches were created.</summary>
    public int Created { get; private set; }

    /// <summary>Creates a batch as another client (or an earlier attempt) would.</summary>
    public int CreateBatch(string name)
    {
        lock (this.gate)
        {
            return this.Create(name).Id;
        }
    }

    /// <summary>Answers one request.</summary>
    public FakeResponse Handle(RecordedRequest request)
    {
        lock (this.gate)
        {
            // Each request is one second later, so the state timestamps differ.
            this.now = this.now.AddSeconds(1);
            bool detailed = request.QueryValue("detailed") == "true";
            string rest = request.Path.StartsWith(this.prefix, StringComparison.Ordinal) ? request.Path[this.prefix.Length..].Trim('/') : "/";
            if (request.Method == "POST" && rest.Length == 0)
            {
                FakeBatch created = this.Create(request.Json["name"]?.ToString());
                created.Request = request.Json;
                return new FakeResponse(200, this.View(created, detailed));
            }

            if (request.Method == "GET" && rest.Length == 0)
            {
                int from = int.Parse(request.QueryValue("from") ?? "0", CultureInfo.InvariantCulture);
                int size = Math.Min(MaxPageSize, int.Parse(request.QueryValue("size") ?? "20", CultureInfo.InvariantCulture));
                var page = new JsonArray([.. this.batches.Values.OrderBy(b => b.Id).Skip(from).Take(size).Select(b => (JsonNode)this.View(b, detailed))]);
                return new FakeResponse(200, new JsonObject { ["from"] = from, ["total"] = this.batches.Count, ["sessions"] = page });
            }

            if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out int id) || !this.batches.TryGetValue(id, out FakeBatch? batch))
            {
                return new FakeResponse(404, new JsonObject { ["code"] = "BatchNotFound", ["message"] = $"Batch {rest} not found." });
            }

            if (request.Method == "DELETE")
            {
                this.cancellations.TryAdd(id, this.now);
                if (batch.EndedAt is null)
                {
                    batch.MoveTo("killed", this.now);
                }

                return new FakeResponse(200);
            }

            batch.Advance(this.now);
            return new FakeResponse(200, this.View(batch, detailed));
        }
    }

    private FakeBatch Create(string? name)
    {
        var batch = new FakeBatch(++this.nextId, name, this.States, this.now, "not_started");
        this.batches[batch.Id] = batch;
        this.Created++;
        return batch;
    }

    private JsonObject View(FakeBatch batch, bool detailed)
    {
        var view = new JsonObject
        {
            ["id"] = batch.Id,
            ["name"] = batch.Name,
            ["appId"] = batch.State is "not_started" or "starting" ? null : $"application_1700000000000_{batch.Id:D4}",
            ["appInfo"] = batch.State is "not_started" or "starting" ? null : new JsonObject
            {
                ["driverLogUrl"] = $"https://ws.dev.azuresynapse.net/sparkhistory/api/v1/sparkpools/pool1/livyid/{batch.Id}/applications/app/driverlog/stdout/",
                ["sparkUiUrl"] = $"https://ws.dev.azuresynapse.net/sparkhistory/api/v1/sparkpools/pool1/livyid/{batch.Id}/applications/app/1/jobs/",
            },
            ["state"] = batch.State,
            ["log"] = new JsonArray("stdout: ", $"state {batch.State}"),
        };
        if (!detailed)
        {
            return view;
        }

        view["result"] = batch.State switch
        {
            "success" => "Succeeded",
            "dead" or "error" => "Failed",
            "killed" => "Cancelled",
            _ => "Uncertain",
        };
        var scheduler = new JsonObject
        {
            ["submittedAt"] = Time(batch.Times["not_started"]),
            ["currentState"] = batch.State == "not_started" ? "Queued" : batch.EndedAt is null ? "Scheduled" : "Ended",
        };
        if (batch.Times.TryGetValue("starting", out DateTimeOffset scheduled))
        {
            scheduler["scheduledAt"] = Time(scheduled);
        }

        if (batch.EndedAt is { } ended)
        {
            scheduler["endedAt"] = Time(ended);
        }

        if (this.cancellations.TryGetValue(batch.Id, out DateTimeOffset cancelledAt))
        {
            scheduler["cancellationRequestedAt"] = Time(cancelledAt);
        }

        var livy = new JsonObject { ["currentState"] = batch.State };
        foreach ((string state, DateTimeOffset at) in batch.Times)
        {
            livy[state switch { "not_started" => "notStartedAt", _ => state + "At" }] = Time(at);
        }

        view["schedulerInfo"] = scheduler;
        view["livyInfo"] = livy;
        view["errorInfo"] = batch.State == "dead"
            ? new JsonArray(new JsonObject { ["message"] = "Py4JJavaError in stage 3", ["errorCode"] = "SparkJobFailed", ["source"] = "User" })
            : new JsonArray();
        view["tags"] = batch.Request?["tags"]?.DeepClone();
        return view;
    }

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
