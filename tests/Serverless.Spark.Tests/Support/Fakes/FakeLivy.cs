using System.Globalization;
using System.Text.Json.Nodes;

namespace Serverless.Spark.Tests.Support.Fakes;

/// <summary>
/// Apache Livy's batch API as its <c>docs/rest-api.md</c> and server code (<c>SessionServlet</c>,
/// <c>BatchSessionServlet</c>, <c>SessionManager</c>, <c>LivyServer</c>) define it, with a scripted state sequence:
/// <list type="bullet">
/// <item><c>POST /batches</c> answers 201 with the batch in state <c>starting</c> (a batch session starts at once);
/// <c>name</c> is kept from 0.6 and a second batch of the same name is a 400 "Rejected, Reason: Duplicate session
/// name" (<c>SessionManager.register</c>); when <see cref="RejectPosts"/> is set, the 400 "Rejected, too many sessions
/// are being created!" of <c>SessionServlet.post</c> (nothing is created).</item>
/// <item><c>GET /batches?from&amp;size</c> pages the list (defaults 0 and 100); <c>total</c> counts every batch.</item>
/// <item><c>GET /batches/{id}</c> moves the batch one scripted state further; from 0.6 a non-numeric segment is a name
/// (<c>doWithSession</c>); before 0.6 it is a 400 (the id must be an integer). The view carries <c>id</c>,
/// <c>name</c> (0.6+), <c>state</c>, <c>appId</c>, <c>appInfo</c> (<c>driverLogUrl</c>, <c>sparkUiUrl</c>) and the
/// last 10 log lines (<c>clientSessionView</c>).</item>
/// <item><c>GET /batches/{id}/log?from&amp;size</c>: without <c>from</c>, the last <c>size</c> (default 100) lines
/// (<c>serializeLogs</c>).</item>
/// <item><c>DELETE /batches/{id}</c> kills and forgets the batch: <c>{"msg":"deleted"}</c>.</item>
/// <item><c>GET /version</c> answers <c>{"version": …}</c> (<c>LivyServer</c>'s version servlet, present in 0.5).</item>
/// <item>A finished batch is forgotten <see cref="StateRetain"/> after it ended
/// (<c>livy.server.session.state-retain.sec</c>, 600 s by default; <c>SessionManager.collectGarbage</c>); the fake's
/// clock moves only through <see cref="Advance"/>.</item>
/// <item>Unknown ids answer 404 <c>{"msg":"Session '{id}' not found."}</c>.</item>
/// </list>
/// </summary>
internal sealed class FakeLivy
{
    private readonly Dictionary<int, FakeBatch> batches = [];
    private readonly Lock gate = new();
    private readonly string prefix;
    private readonly string? versionPath;
    private DateTimeOffset now = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private int nextId = 100;

    /// <summary>Initializes a new instance of the <see cref="FakeLivy"/> class.</summary>
    /// <param name="version">The Livy version the fake behaves as.</param>
    /// <param name="prefix">The path of the batches collection.</param>
    public FakeLivy(string version = "0.7.1-incubating", string prefix = "/batches")
    {
        this.Version = version;
        this.prefix = prefix;
        this.versionPath = prefix.EndsWith("/batches", StringComparison.Ordinal) ? prefix[..^"/batches".Length] + "/version" : null;
    }

    /// <summary>Gets the version the fake behaves as.</summary>
    public string Version { get; }

    /// <summary>Gets or sets the states a new batch goes through after <c>starting</c>, one per GET.</summary>
    public string[] States { get; set; } = ["running", "success"];

    /// <summary>Gets or sets the state retention after a batch ended (<c>livy.server.session.state-retain.sec</c>).</summary>
    public TimeSpan StateRetain { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>Gets or sets how many more POSTs are rejected as "too many sessions".</summary>
    public int RejectPosts { get; set; }

    /// <summary>Gets or sets the log lines every batch has (the last ones also appear in the batch view).</summary>
    public int LogLines { get; set; } = 30;

    /// <summary>Gets or sets an extra log line (for example one echoing a secret).</summary>
    public string? ExtraLogLine { get; set; }

    /// <summary>Gets how many batches were created, including deleted and expired ones.</summary>
    public int Created { get; private set; }

    private bool HasNames => !this.Version.StartsWith("0.5", StringComparison.Ordinal) && !this.Version.StartsWith("0.4", StringComparison.Ordinal);

    /// <summary>Moves the fake's clock (and expires batches past their retention).</summary>
    public void Advance(TimeSpan by)
    {
        lock (this.gate)
        {
            this.now += by;
        }
    }

    /// <summary>Forgets a batch as a Livy restart without recovery does.</summary>
    public void Forget(int id)
    {
        lock (this.gate)
        {
            this.batches.Remove(id);
        }
    }

    /// <summary>Creates a batch as another client's POST would.</summary>
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
            this.CollectGarbage();
            if (request.Method == "GET" && request.Path == this.versionPath)
            {
                return new FakeResponse(200, new JsonObject { ["version"] = this.Version, ["revision"] = "fake", ["branch"] = "fake" });
            }

            if (!request.Path.StartsWith(this.prefix, StringComparison.Ordinal))
            {
                return new FakeResponse(404);
            }

            string rest = request.Path[this.prefix.Length..].Trim('/');
            if (request.Method == "POST" && rest.Length == 0)
            {
                return this.Post(request);
            }

            if (request.Method == "GET" && rest.Length == 0)
            {
                int from = int.Parse(request.QueryValue("from") ?? "0", CultureInfo.InvariantCulture);
                int size = int.Parse(request.QueryValue("size") ?? "100", CultureInfo.InvariantCulture);
                var page = new JsonArray([.. this.batches.Values.OrderBy(b => b.Id).Skip(from).Take(size).Select(b => (JsonNode)this.View(b))]);
                return new FakeResponse(200, new JsonObject { ["from"] = from, ["total"] = this.batches.Count, ["sessions"] = page });
            }

            string[] segments = rest.Split('/');
            FakeBatch? batch;
            if (segments[0].All(char.IsAsciiDigit))
            {
                batch = this.batches.GetValueOrDefault(int.Parse(segments[0], CultureInfo.InvariantCulture));
            }
            else if (this.HasNames)
            {
                batch = this.batches.Values.FirstOrDefault(b => b.Name == segments[0]);
            }
            else
            {
                return new FakeResponse(400, new JsonObject { ["msg"] = $"For input string: \"{segments[0]}\"" });
            }

            if (batch is null)
            {
                return new FakeResponse(404, new JsonObject { ["msg"] = $"Session '{segments[0]}' not found." });
            }

            if (request.Method == "DELETE")
            {
                this.batches.Remove(batch.Id);
                return new FakeResponse(200, new JsonObject { ["msg"] = "deleted" });
            }

            if (segments.Length > 1 && segments[1] == "log")
            {
                List<string> lines = batch.Log(this.LogLines, this.ExtraLogLine);
                int size = int.Parse(request.QueryValue("size") ?? "100", CultureInfo.InvariantCulture);
                int from = request.QueryValue("from") is { } f ? int.Parse(f, CultureInfo.InvariantCulture) : Math.Max(0, lines.Count - size);
                return new FakeResponse(200, new JsonObject
                {
                    ["id"] = batch.Id,
                    ["from"] = from,
                    ["total"] = lines.Count,
                    ["log"] = new JsonArray([.. lines.Skip(from).Take(size).Select(l => (JsonNode?)l)]),
                });
            }

            batch.Advance(this.now);
            return new FakeResponse(200, this.View(batch));
        }
    }

    private FakeResponse Post(RecordedRequest request)
    {
        if (this.RejectPosts > 0)
        {
            this.RejectPosts--;
            return new FakeResponse(400, new JsonObject { ["msg"] = "Rejected, too many sessions are being created!" });
        }

        string? name = this.HasNames ? request.Json["name"]?.ToString() : null;
        if (name is not null && this.batches.Values.Any(b => b.Name == name))
        {
            // SessionManager.register allocates the id before it finds the duplicate, so ids skip one.
            int skipped = ++this.nextId;
            return new FakeResponse(400, new JsonObject { ["msg"] = $"Rejected, Reason: Duplicate session name: Some({name}) for session {skipped}" });
        }

        FakeBatch batch = this.Create(name);
        batch.Request = request.Json;
        return new FakeResponse(201, this.View(batch));
    }

    private FakeBatch Create(string? name)
    {
        var batch = new FakeBatch(++this.nextId, name, this.States, this.now);
        this.batches[batch.Id] = batch;
        this.Created++;
        return batch;
    }

    private void CollectGarbage()
    {
        foreach (FakeBatch expired in this.batches.Values.Where(b => b.EndedAt is { } end && this.now - end > this.StateRetain).ToList())
        {
            this.batches.Remove(expired.Id);
        }
    }

    private JsonObject View(FakeBatch batch)
    {
        var view = new JsonObject
        {
            ["id"] = batch.Id,
            ["state"] = batch.State,
            ["appId"] = batch.State == "starting" ? null : $"application_1700000000000_{batch.Id:D4}",
            ["appInfo"] = new JsonObject
            {
                ["driverLogUrl"] = batch.State == "starting" ? null : $"http://worker1:8042/node/containerlogs/container_{batch.Id}_01/livy",
                ["sparkUiUrl"] = batch.State == "starting" ? null : $"http://headnode:8088/proxy/application_1700000000000_{batch.Id:D4}/",
            },
            ["log"] = new JsonArray([.. batch.Log(this.LogLines, this.ExtraLogLine).TakeLast(10).Select(l => (JsonNode?)l)]),
        };
        if (this.HasNames)
        {
            view["name"] = batch.Name;
        }

        return view;
    }
}
