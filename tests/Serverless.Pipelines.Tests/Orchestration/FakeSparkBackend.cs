using System.Collections.Concurrent;
using Serverless.Spark.Backends;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>
/// A Spark backend double: records every submit and cancel; a job's outcome is decided at submit by
/// <see cref="Outcome"/> — finished at once, or <see cref="SparkJobState.Running"/> until cancelled.
/// </summary>
internal sealed class FakeSparkBackend : ISparkBackend
{
    private readonly ConcurrentDictionary<string, SparkJobStatus> jobs = new(StringComparer.Ordinal);

    public string Name => "fake";

    public IReadOnlyCollection<SparkJobKind> SupportedKinds { get; } = [SparkJobKind.Sql, SparkJobKind.PySpark, SparkJobKind.Jar];

    /// <summary>Gets or sets the outcome of a submitted job from its spec and idempotency key.</summary>
    public Func<SparkJobSpec, string, SparkJobState> Outcome { get; set; } = (_, _) => SparkJobState.Succeeded;

    public ConcurrentQueue<(SparkJobSpec Spec, string Key, DateTime At)> Submitted { get; } = new();

    public ConcurrentQueue<string> Cancelled { get; } = new();

    /// <summary>Gets the most jobs that were running (submitted, not finished or cancelled) at one time.</summary>
    public int PeakRunning { get; private set; }

    public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        jobs.GetOrAdd(idempotencyKey, key =>
        {
            Submitted.Enqueue((spec, key, DateTime.UtcNow));
            var state = Outcome(spec, key);
            lock (jobs)
            {
                PeakRunning = Math.Max(PeakRunning, jobs.Values.Count(j => !j.IsTerminal) + (state is SparkJobState.Running or SparkJobState.Pending ? 1 : 0));
            }

            return new SparkJobStatus(key, state)
            {
                Message = state == SparkJobState.Failed ? "the fake job failed as told" : null,
                Metrics = new Dictionary<string, long> { [SparkJobMetrics.RowsWritten] = 1 },
            };
        });
        return Task.FromResult(new SparkJobHandle(Name, idempotencyKey, idempotencyKey));
    }

    public Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) =>
        Task.FromResult(jobs.TryGetValue(handle.JobId, out var status) ? status : new SparkJobStatus(handle.JobId, SparkJobState.Lost));

    public Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        Cancelled.Enqueue(handle.JobId);
        var status = jobs.AddOrUpdate(handle.JobId, key => new SparkJobStatus(key, SparkJobState.Cancelled), (_, old) => old.IsTerminal ? old : old with { State = SparkJobState.Cancelled });
        return Task.FromResult(status);
    }

    /// <summary>Gets the submitted specs of one run.</summary>
    public IReadOnlyList<SparkJobSpec> SpecsOf(string runId) => Submitted.Where(s => s.Key.StartsWith(runId + ":", StringComparison.Ordinal)).Select(s => s.Spec).ToList();
}
