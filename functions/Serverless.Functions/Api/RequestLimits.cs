using Serverless.Pipelines.Loading;

namespace Serverless.Functions.Api;

/// <summary>
/// The limits of API request values, each refused with a 400 problem naming it. The body size limit is
/// <see cref="RequestBodyLimit.MaxBytes"/> (413).
/// </summary>
public static class RequestLimits
{
    /// <summary>The deepest nesting of a JSON request body, counting the body itself as 1: 64, as System.Text.Json's default.</summary>
    public const int MaxJsonDepth = 64;

    /// <summary>
    /// The most runs a backfill may keep active at once (<c>maxActiveRuns</c> of the backfill route): 100. The least
    /// is 1. Each active run holds an orchestration and its Spark jobs, so the bound keeps one request from flooding
    /// the task hub and the cluster.
    /// </summary>
    public const int MaxBackfillActiveRuns = 100;

    /// <summary>
    /// The most fractional-second digits of an RFC 3339 date-time: 7 (100 ns, the resolution of <see cref="DateTimeOffset"/>);
    /// more would be silently rounded.
    /// </summary>
    public const int MaxFractionDigits = 7;

    /// <summary>Gets the earliest date a request may name: <see cref="DagDocumentLimits.EarliestDate"/> (1900-01-01T00:00:00Z), the same as a DAG file.</summary>
    public static DateTimeOffset EarliestDate => DagDocumentLimits.EarliestDate;

    /// <summary>Gets the latest date a request may name: <see cref="DagDocumentLimits.LatestDate"/> (9000-01-01T00:00:00Z), the same as a DAG file.</summary>
    public static DateTimeOffset LatestDate => DagDocumentLimits.LatestDate;
}
