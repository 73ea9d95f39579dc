using System.Collections.Concurrent;
using System.Diagnostics;
using Serverless.Spark.Backends;
using Serverless.Spark.Jobs;

namespace Serverless.Benchmarks.Dag;

/// <summary>
/// A test backend whose every job finishes a fixed delay after its submit, so each DAG hop takes the path a real
/// Spark job takes (the job ends later; the run learns it by push or by poll). Records, per job name, when it was
/// submitted and when it became finished, on the <see cref="Stopwatch"/> clock. Registered only by the benchmarks and
/// their tests.
/// </summary>
public sealed class DelayedSparkBackend : ISparkBackend, ISparkJobCompletionSource
{
    private readonly ConcurrentDictionary<string, Job> jobs = new(StringComparer.Ordinal);

    /// <summary>Gets the backend name.</summary>
    public string Name => "delayed";

    /// <inheritdoc/>
    public IReadOnlyCollection<SparkJobKind> SupportedKinds { get; } = [SparkJobKind.Sql];

    /// <summary>Gets or sets how long after its submit a job finishes; zero finishes it at submit.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets a value indicating whether the backend pushes job ends (<see cref="ISparkJobCompletionSource"/>) or must be polled.</summary>
    public bool Push { get; set; } = true;

    /// <summary>Gets the submit time of each job by job name (first submit only).</summary>
    public ConcurrentDictionary<string, long> Submits { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the time each job became finished, by job name.</summary>
    public ConcurrentDictionary<string, long> Finishes { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the submit and finish time of every job by idempotency key (which starts with the run id); finish 0 while it runs.</summary>
    public ConcurrentDictionary<string, (long Submitted, long Finished)> ByKey { get; } = new(StringComparer.Ordinal);

    /// <summary>Forgets every job.</summary>
    public void Clear()
    {
        this.jobs.Clear();
        this.ByKey.Clear();
        this.Submits.Clear();
        this.Finishes.Clear();
    }

    /// <inheritdoc/>
    public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var handle = new SparkJobHandle(this.Name, idempotencyKey, idempotencyKey);
        var job = new Job(spec.Name);
        if (!this.jobs.TryAdd(idempotencyKey, job))
        {
            return Task.FromResult(handle);
        }

        var now = Stopwatch.GetTimestamp();
        this.Submits.TryAdd(spec.Name, now);
        this.ByKey[idempotencyKey] = (now, 0);
        if (this.Delay <= TimeSpan.Zero)
        {
            this.Finish(job, idempotencyKey);
        }
        else
        {
            // The backend's own clock ends the job; nothing here waits on it.
            _ = Task.Delay(this.Delay, CancellationToken.None).ContinueWith(_ => this.Finish(job, idempotencyKey), TaskScheduler.Default);
        }

        return Task.FromResult(handle);
    }

    /// <inheritdoc/>
    public Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var state = this.jobs.TryGetValue(handle.JobId, out var job) ? (job.Finished ? SparkJobState.Succeeded : SparkJobState.Running) : SparkJobState.Lost;
        return Task.FromResult(new SparkJobStatus(handle.JobId, state));
    }

    /// <inheritdoc/>
    public Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return Task.FromResult(new SparkJobStatus(handle.JobId, SparkJobState.Cancelled));
    }

    /// <inheritdoc/>
    public bool WatchCompletion(SparkJobHandle handle, Func<SparkJobStatus, Task> ended)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!this.Push || !this.jobs.TryGetValue(handle.JobId, out var job))
        {
            return false;
        }

        lock (job)
        {
            if (job.Finished)
            {
                return false;
            }

            job.Watchers.Add(ended);
            return true;
        }
    }

    private void Finish(Job job, string key)
    {
        List<Func<SparkJobStatus, Task>> watchers;
        lock (job)
        {
            var now = Stopwatch.GetTimestamp();
            this.Finishes.TryAdd(job.Name, now);
            this.ByKey[key] = (this.ByKey[key].Submitted, now);
            job.Finished = true;
            watchers = [.. job.Watchers];
            job.Watchers.Clear();
        }

        var status = new SparkJobStatus(key, SparkJobState.Succeeded);
        foreach (var watcher in watchers)
        {
            _ = watcher(status);
        }
    }

    /// <summary>Gets the most runs that had a job running at one time: each run spans its first job's submit to its last job's finish.</summary>
    /// <returns>The peak.</returns>
    public int PeakOverlappingRuns()
    {
        var spans = this.ByKey.GroupBy(j => j.Key.Split(':')[0], StringComparer.Ordinal)
            .Select(g => (Start: g.Min(j => j.Value.Submitted), End: g.Max(j => j.Value.Finished == 0 ? long.MaxValue : j.Value.Finished)));
        var events = spans.SelectMany(s => new[] { (At: s.Start, Delta: 1), (At: s.End, Delta: -1) }).OrderBy(e => e.At).ThenBy(e => e.Delta);
        int current = 0, peak = 0;
        foreach (var (_, delta) in events)
        {
            current += delta;
            peak = Math.Max(peak, current);
        }

        return peak;
    }

    private sealed class Job(string name)
    {
        public string Name { get; } = name;

        public bool Finished { get; set; }

        public List<Func<SparkJobStatus, Task>> Watchers { get; } = [];
    }
}
