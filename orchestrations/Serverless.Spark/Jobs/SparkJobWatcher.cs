using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Serverless.Spark.Diagnostics;

namespace Serverless.Spark.Jobs;

/// <summary>
/// Polls the jobs of backends that cannot push their end (Livy, Synapse, Databricks) from this process, and tells
/// once when each ends: the host-side stand-in for <see cref="Backends.ISparkJobCompletionSource"/>. A poll here is
/// one cluster request (<see cref="SparkJobClient.GetStatusUnlessRunningAsync"/>), with no durable timer, activity or
/// orchestration episode and, where the backend has a <see cref="Backends.ISparkJobStatusProbe"/>, no storage
/// transaction.
/// Thread-safe; register one per process.
/// </summary>
/// <remarks>
/// Bounded: at most <c>capacity</c> jobs at once (beyond it <see cref="Watch"/> says no and the caller polls as
/// before), a job is dropped after <c>longest</c> without being told, and at most <c>parallelism</c> status calls
/// run at once. A watch lives in process memory only; callers keep a slow durable poll for a host restart.
/// </remarks>
public sealed class SparkJobWatcher : IDisposable
{
    private readonly SparkJobClient client;
    private readonly SparkJobPollSchedule schedule;
    private readonly int capacity;
    private readonly TimeSpan longest;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, WatchedJob> jobs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim wake = new(0);
    private readonly SemaphoreSlim calls;
    private readonly CancellationTokenSource stop = new();
    private readonly Lock starting = new();
    private Task? loop;
    private volatile bool disposed;

    /// <summary>Initializes a new instance of the <see cref="SparkJobWatcher"/> class.</summary>
    /// <param name="client">The Spark job client whose backends are polled.</param>
    /// <param name="schedule">When each job's status is read.</param>
    /// <param name="capacity">The most jobs watched at once; 0 or less watches none.</param>
    /// <param name="longest">How long a job is watched before it is dropped untold.</param>
    /// <param name="parallelism">The most status calls at once (at least 1).</param>
    /// <param name="logger">The logger.</param>
    public SparkJobWatcher(SparkJobClient client, SparkJobPollSchedule schedule, int capacity, TimeSpan longest, int parallelism, ILogger<SparkJobWatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(logger);
        this.client = client;
        this.schedule = schedule;
        this.capacity = capacity;
        this.longest = longest;
        this.logger = logger;
        var most = Math.Max(1, parallelism);
        this.calls = new SemaphoreSlim(most, most);
    }

    /// <summary>Gets the number of jobs watched now.</summary>
    public int Count => this.jobs.Count;

    /// <summary>
    /// Asks to be told once when a job ends. A job already watched (a repeated submit activity) keeps its first
    /// watch, whose callback tells the same run.
    /// </summary>
    /// <param name="handle">The job's handle.</param>
    /// <param name="ended">Called once with the final status, on a pool thread; its failures are logged, not retried.</param>
    /// <returns>True when <paramref name="ended"/> (or the first watch's) will be called unless the job outlives the watch or the process; false when the watcher is full or stopped: poll the job instead.</returns>
    public bool Watch(SparkJobHandle handle, Func<SparkJobStatus, Task> ended)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(ended);
        var key = handle.Backend + "/" + handle.JobId;
        if (this.disposed || (this.jobs.Count >= this.capacity && !this.jobs.ContainsKey(key)))
        {
            return false;
        }

        var interval = this.schedule.Start();
        var now = Stopwatch.GetTimestamp();
        if (this.jobs.TryAdd(key, new WatchedJob(key, handle, ended, now, interval)))
        {
            SparkTelemetry.JobsWatched.Add(1, new KeyValuePair<string, object?>("backend", handle.Backend));
            this.EnsureLoop();
            this.Wake();
        }

        return true;
    }

    /// <summary>Stops watching: no job is told after this, and <see cref="Watch"/> says no.</summary>
    public void Dispose()
    {
        if (this.disposed)
        {
            return;
        }

        this.disposed = true;
        this.stop.Cancel();
        this.jobs.Clear();
        this.stop.Dispose();
    }

    private void EnsureLoop()
    {
        if (this.loop is not null)
        {
            return;
        }

        lock (this.starting)
        {
            this.loop ??= Task.Run(() => this.LoopAsync(this.stop.Token), CancellationToken.None);
        }
    }

    private void Wake()
    {
        // One pending wake is enough: the loop rescans every job when it wakes.
        if (this.wake.CurrentCount == 0)
        {
            this.wake.Release();
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var now = Stopwatch.GetTimestamp();
                var next = long.MaxValue;
                foreach (var job in this.jobs.Values)
                {
                    if (job.Polling)
                    {
                        continue;
                    }

                    if (job.DueAt <= now)
                    {
                        job.Polling = true;
                        _ = this.PollAsync(job, cancellationToken);
                    }
                    else
                    {
                        next = Math.Min(next, job.DueAt);
                    }
                }

                var wait = next == long.MaxValue ? Timeout.InfiniteTimeSpan : Stopwatch.GetElapsedTime(now, next);
                await this.wake.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop serves every watched job: one failure must not stop the others' watch.
            catch (Exception error)
#pragma warning restore CA1031
            {
                Logs.WatchLoopFailed(this.logger, error.GetType().Name);
            }
        }
    }

    private async Task PollAsync(WatchedJob job, CancellationToken cancellationToken)
    {
        SparkJobStatus? status = null;
        try
        {
            await this.calls.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                SparkTelemetry.WatchPolls.Add(1, new KeyValuePair<string, object?>("backend", job.Handle.Backend));
                status = await this.client.GetStatusUnlessRunningAsync(job.Handle, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                this.calls.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // A failed read (network, throttling) is tried again at the next interval; the caller's durable poll is the backstop.
        catch (Exception error)
#pragma warning restore CA1031
        {
            // The type only: a backend's message may quote the job's text.
            Logs.WatchPollFailed(this.logger, job.Handle.Backend, job.Handle.JobId, error.GetType().Name);
        }

        if (status is { IsTerminal: true })
        {
            if (this.jobs.TryRemove(job.Key, out _))
            {
                await this.TellAsync(job, status).ConfigureAwait(false);
            }

            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(job.WatchedAt, now) >= this.longest)
        {
            this.jobs.TryRemove(job.Key, out _);
            Logs.WatchGaveUp(this.logger, job.Handle.Backend, job.Handle.JobId, (long)this.longest.TotalMinutes);
            return;
        }

        job.Interval = this.schedule.Next(job.Interval);
        job.DueAt = now + (long)(job.Interval.TotalSeconds * Stopwatch.Frequency);
        job.Polling = false;
        this.Wake();
    }

    private async Task TellAsync(WatchedJob job, SparkJobStatus status)
    {
        try
        {
            await job.Ended(status).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whoever waits keeps its own durable poll, so a failed notice only makes the end seen later.
        catch (Exception error)
#pragma warning restore CA1031
        {
            Logs.WatchNoticeFailed(this.logger, job.Handle.Backend, job.Handle.JobId, error.GetType().Name);
        }
    }

    private sealed class WatchedJob(string key, SparkJobHandle handle, Func<SparkJobStatus, Task> ended, long watchedAt, TimeSpan interval)
    {
        public string Key { get; } = key;

        public SparkJobHandle Handle { get; } = handle;

        public Func<SparkJobStatus, Task> Ended { get; } = ended;

        public long WatchedAt { get; } = watchedAt;

        public TimeSpan Interval { get; set; } = interval;

        public long DueAt { get; set; } = watchedAt + (long)(interval.TotalSeconds * Stopwatch.Frequency);

        // The loop sets it, the one poll it starts clears it when done: never two polls of one job at once.
        public bool Polling
        {
            get => Volatile.Read(ref this.polling);
            set => Volatile.Write(ref this.polling, value);
        }

        private bool polling;
    }
}
