namespace Serverless.Pipelines.Scheduling;

/// <summary>The span of data a run processes: <c>[Start, End)</c>. A scheduled run's logical date is its <see cref="Start"/>.</summary>
/// <param name="Start">The inclusive start.</param>
/// <param name="End">The exclusive end; the run is due once this time has passed.</param>
public readonly record struct DataInterval(DateTimeOffset Start, DateTimeOffset End);
