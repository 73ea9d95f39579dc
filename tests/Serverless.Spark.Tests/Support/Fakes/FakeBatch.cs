using System.Text.Json.Nodes;

namespace Serverless.Spark.Tests.Support.Fakes;

/// <summary>One batch of <see cref="FakeLivy"/> or <see cref="FakeSynapse"/>: starts at its first state, then takes one scripted state per read.</summary>
internal sealed class FakeBatch(int id, string? name, string[] states, DateTimeOffset createdAt, string initial = "starting")
{
    private static readonly HashSet<string> Finished = ["success", "dead", "error", "killed"];
    private int index = -1;

    public int Id { get; } = id;

    public string? Name { get; } = name;

    public JsonObject? Request { get; set; }

    public string State { get; private set; } = initial;

    /// <summary>Gets when each state was first seen, by Livy state name.</summary>
    public Dictionary<string, DateTimeOffset> Times { get; } = new() { [initial] = createdAt };

    public DateTimeOffset? EndedAt => Finished.Contains(this.State) ? this.Times[this.State] : null;

    public void Advance(DateTimeOffset now)
    {
        if (Finished.Contains(this.State) || states.Length == 0)
        {
            return;
        }

        this.index = Math.Min(this.index + 1, states.Length - 1);
        this.MoveTo(states[this.index], now);
    }

    public void MoveTo(string state, DateTimeOffset now)
    {
        this.State = state;
        this.Times.TryAdd(state, now);
    }

    public List<string> Log(int lines, string? extra)
    {
        List<string> log = [.. Enumerable.Range(1, lines).Select(i => $"stdout: line {i}")];
        if (extra is not null)
        {
            log.Add(extra);
        }

        log.Add($"state {this.State}");
        return log;
    }
}
