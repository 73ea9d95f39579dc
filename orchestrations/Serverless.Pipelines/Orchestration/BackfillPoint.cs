namespace Serverless.Pipelines.Orchestration;

/// <summary>One run of a backfill.</summary>
/// <param name="RunId">The run id, derived from the DAG id and logical date.</param>
/// <param name="LogicalDate">The logical date.</param>
/// <param name="DataIntervalStart">The start of the data interval.</param>
/// <param name="DataIntervalEnd">The end of the data interval.</param>
public sealed record BackfillPoint(string RunId, DateTimeOffset LogicalDate, DateTimeOffset DataIntervalStart, DateTimeOffset DataIntervalEnd);
