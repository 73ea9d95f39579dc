using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Spark.Backends;
using Serverless.Spark.Jobs;
using Serverless.Testing;

namespace Serverless.Spark.Tests.Jobs;

/// <summary>The host's job watcher: it tells each end once, reads the full status only once a probe says the job ended, survives failed reads, and stays within its bounds.</summary>
public sealed class SparkJobWatcherTests
{
    private static readonly SparkJobPollSchedule Fast = new(TimeSpan.FromMilliseconds(2), 1.5, TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task Watch_ProbedBackend_ReadsTheFullStatusOnlyOnceTheProbeSaysTheJobEnded()
    {
        var backend = new ProbedBackend { RunningProbes = 5 };
        using var watcher = Watcher(backend);
        var told = new TaskCompletionSource<SparkJobStatus>(TaskCreationOptions.RunContinuationsAsynchronously);

        Assert.True(watcher.Watch(ProbedBackend.Handle("j1"), status =>
        {
            told.TrySetResult(status);
            return Task.CompletedTask;
        }));
        var status = await told.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(SparkJobState.Succeeded, status.State);
        Assert.Equal(6, backend.Probes);
        Assert.Equal(1, backend.StatusReads);
        await Poll.UntilAsync(() => Task.FromResult(watcher.Count == 0), TimeSpan.FromSeconds(5), "the told job to leave the watcher");
    }

    [Fact]
    public async Task Watch_ReadsFail_KeepsWatchingAndTellsTheEnd()
    {
        var backend = new ProbedBackend { RunningProbes = 1, FailingProbes = 3 };
        using var watcher = Watcher(backend);
        var told = new TaskCompletionSource<SparkJobStatus>(TaskCreationOptions.RunContinuationsAsynchronously);

        watcher.Watch(ProbedBackend.Handle("j1"), status =>
        {
            told.TrySetResult(status);
            throw new InvalidOperationException("a failing notice is logged, never thrown out of the loop");
        });
        var status = await told.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(SparkJobState.Succeeded, status.State);
        Assert.Equal(3 + 1 + 1, backend.Probes);

        // The loop is still alive after the throwing notice: a second job is told too.
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Watch(ProbedBackend.Handle("j2"), _ =>
        {
            second.TrySetResult();
            return Task.CompletedTask;
        });
        await second.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Watch_JobOutlivesTheLongestWatch_IsDroppedUntold()
    {
        var backend = new ProbedBackend { RunningProbes = int.MaxValue };
        using var watcher = Watcher(backend, longest: TimeSpan.FromMilliseconds(500));
        var told = 0;

        watcher.Watch(ProbedBackend.Handle("j1"), _ =>
        {
            Interlocked.Increment(ref told);
            return Task.CompletedTask;
        });

        await Poll.UntilAsync(() => Task.FromResult(watcher.Count == 0), TimeSpan.FromSeconds(10), "the job to be dropped");
        Assert.Equal(0, told);
        // How many probes fit in the watch depends on the machine's load; at least the one that found it too old.
        Assert.True(backend.Probes >= 1, $"{backend.Probes} probes");
        Assert.Equal(0, backend.StatusReads);
    }

    [Fact]
    public async Task Watch_FullWatcher_SaysNoButARepeatedWatchOfAWatchedJobIsKeptAndToldOnce()
    {
        var backend = new ProbedBackend { RunningProbes = 3 };
        using var watcher = Watcher(backend, capacity: 1);
        var told = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Assert.True(watcher.Watch(ProbedBackend.Handle("j1"), _ =>
        {
            Interlocked.Increment(ref told);
            done.TrySetResult();
            return Task.CompletedTask;
        }));
        Assert.True(watcher.Watch(ProbedBackend.Handle("j1"), _ => throw new InvalidOperationException("a second watch of one job must not be told")));
        Assert.False(watcher.Watch(ProbedBackend.Handle("j2"), _ => Task.CompletedTask));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await Poll.UntilAsync(() => Task.FromResult(watcher.Count == 0), TimeSpan.FromSeconds(5), "the told job to leave the watcher");
        Assert.Equal(1, told);
        Assert.True(watcher.Watch(ProbedBackend.Handle("j2"), _ => Task.CompletedTask));
        watcher.Dispose();
        Assert.False(watcher.Watch(ProbedBackend.Handle("j3"), _ => Task.CompletedTask));
    }

    private static SparkJobWatcher Watcher(ProbedBackend backend, int capacity = 100, TimeSpan? longest = null) =>
        new(new SparkJobClient(backend, new SparkJobSpecValidator("data", new Uri("http://127.0.0.1:10000/devstoreaccount1"))), Fast, capacity, longest ?? TimeSpan.FromHours(1), 4, NullLogger<SparkJobWatcher>.Instance);

    /// <summary>A backend whose jobs fail the first probes, then run for a number of probes, then end Succeeded.</summary>
    private sealed class ProbedBackend : ISparkBackend, ISparkJobStatusProbe
    {
        private int probes;
        private int statusReads;

        public string Name => "probed";

        public IReadOnlyCollection<SparkJobKind> SupportedKinds { get; } = [SparkJobKind.Sql];

        public int FailingProbes { get; init; }

        public int RunningProbes { get; init; }

        public int Probes => Volatile.Read(ref this.probes);

        public int StatusReads => Volatile.Read(ref this.statusReads);

        public static SparkJobHandle Handle(string id) => new("probed", id, "key-" + id);

        public Task<bool> IsRunningAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
        {
            // Probes of every job share one count: the tests watch one job at a time.
            var n = Interlocked.Increment(ref this.probes);
            if (n <= this.FailingProbes)
            {
                throw new HttpRequestException("the cluster did not answer");
            }

            return Task.FromResult(n - this.FailingProbes <= this.RunningProbes);
        }

        public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default) =>
            Task.FromResult(Handle(idempotencyKey));

        public Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref this.statusReads);
            return Task.FromResult(new SparkJobStatus(handle.JobId, SparkJobState.Succeeded));
        }

        public Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SparkJobStatus(handle.JobId, SparkJobState.Cancelled));
    }
}
