using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Serverless.Durable.Diagnostics;

/// <summary>The engine's trace source and meter, named after the library, for OpenTelemetry and Azure Monitor.</summary>
internal static class DurableTelemetry
{
    public const string Name = "Serverless.Durable";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Episodes = Meter.CreateCounter<long>("durable.episodes", description: "Committed orchestration episodes.");

    public static readonly Counter<long> Activities = Meter.CreateCounter<long>("durable.activities", description: "Activity executions.");

    public static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("durable.episode_conflicts", description: "Episodes retried after another worker committed first.");
}
