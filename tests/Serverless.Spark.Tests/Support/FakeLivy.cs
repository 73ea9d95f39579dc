using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Serverless.Spark.Tests.Support;

/// <summary>
/// The Livy batches contract (POST /batches, GET /batches, GET /batches/{id}, DELETE /batches/{id}) with a scripted
/// state sequence per batch: each GET of a batch moves it one state further until the last.
/// </summary>
internal sealed class FakeLivy
{
    private readonly ConcurrentDictionary<int, Batch> batches = new();
    private readonly string prefix;
    private int nextId = 100;

    public FakeLivy(string prefix = "/batches") => this.prefix = prefix;

    /// <summary>Gets or sets the states a new batch goes through.</summary>
    public string[] States { get; set; } = ["starting", "running", "success"];

    /// <summary>Gets or sets extra fields every batch answer carries (Synapse's result, schedulerInfo …), by state.</summary>
    public Func<string, JsonObject>? Extra { get; set; }

    public int Created => this.batches.Count + this.Deleted;

    public int Deleted { get; private set; }

    public void Forget(int id) => this.batches.TryRemove(id, out _);

    public FakeResponse Handle(RecordedRequest request)
    {
        string rest = request.Path[this.prefix.Length..].Trim('/');
        if (request.Method == "POST" && rest.Length == 0)
        {
            int id = Interlocked.Increment(ref this.nextId);
            var batch = new Batch(id, request.Json["name"]?.ToString(), this.States);
            this.batches[id] = batch;
            return new FakeResponse(201, this.ToJson(batch));
        }

        if (request.Method == "GET" && rest.Length == 0)
        {
            var sessions = new JsonArray([.. this.batches.Values.OrderBy(b => b.Id).Select(b => (JsonNode)this.ToJson(b))]);
            return new FakeResponse(200, new JsonObject { ["from"] = 0, ["total"] = sessions.Count, ["sessions"] = sessions });
        }

        if (!int.TryParse(rest.Split('/')[0], out int batchId) || !this.batches.TryGetValue(batchId, out Batch? found))
        {
            return new FakeResponse(404, new JsonObject { ["msg"] = "Session not found" });
        }

        if (request.Method == "DELETE")
        {
            this.batches.TryRemove(batchId, out _);
            this.Deleted++;
            return new FakeResponse(200, new JsonObject { ["msg"] = "deleted" });
        }

        found.Advance();
        return new FakeResponse(200, this.ToJson(found));
    }

    private JsonObject ToJson(Batch batch)
    {
        var json = new JsonObject
        {
            ["id"] = batch.Id,
            ["name"] = batch.Name,
            ["appId"] = $"application_{batch.Id}",
            ["state"] = batch.State,
            ["log"] = new JsonArray("stdout: ", $"state {batch.State}"),
        };
        foreach ((string key, JsonNode? value) in this.Extra?.Invoke(batch.State) ?? [])
        {
            json[key] = value?.DeepClone();
        }

        return json;
    }

    private sealed class Batch(int id, string? name, string[] states)
    {
        private int index = -1;

        public int Id { get; } = id;

        public string? Name { get; } = name;

        public string State => this.index < 0 ? "not_started" : states[Math.Min(this.index, states.Length - 1)];

        public void Advance() => this.index = Math.Min(this.index + 1, states.Length - 1);
    }
}
