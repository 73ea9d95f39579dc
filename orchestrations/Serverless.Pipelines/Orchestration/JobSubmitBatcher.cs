using Microsoft.DurableTask;
using Serverless.Pipelines.Runs.Tasks;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// The job submits of a <see cref="DagRunExecution"/>. While the run's main loop starts its ready tasks, and (with
/// <see cref="DagRunInput.BatchesMappedSubmits"/>) while a mapped task fills its free slots or a batch's outcomes are
/// handed to their attempts (<see cref="Collect"/> to <see cref="Flush"/>, nested), the submits they ask for are held
/// and then sent together, by one <see cref="StartTaskJobs"/> activity per <see cref="StartTaskJobs.MaxJobs"/> jobs or
/// <see cref="MaxBatchChars"/> (a lone submit by a plain <see cref="StartTaskJob"/>). A submit asked for at any other
/// time (after a pool wait, a retry's delay, a sensor) goes at once, as its own <see cref="StartTaskJob"/>.
/// </summary>
/// <remarks>
/// Orchestrator code: deterministic, no I/O. Each held submit's task completes only from the continuation of its
/// activity's task, on the orchestrator's thread, in the order of the batch, so a replay resumes the attempts in the
/// same order.
/// </remarks>
internal sealed class JobSubmitBatcher
{
    /// <summary>
    /// The most characters of job specs and records one activity's input carries (an estimate: see
    /// <see cref="Estimate"/>). DurableTask.AzureStorage moves a message over 45 KB to a blob; this keeps a batch to a
    /// few such blobs at most, however large its specs.
    /// </summary>
    public const int MaxBatchChars = 256 * 1024;

    // What a job's input holds besides its SQL, record and chained specs (names, keys, log target, options): generous.
    private const int JobOverheadChars = 1_000;

    private readonly TaskOrchestrationContext context;
    private readonly Func<int, IReadOnlyList<StoredTaskRecord>?> takeRecords;
    private readonly bool holdsWhileDelivering;
    private readonly List<HeldSubmit> held = [];

    // How many Collect calls have no Flush yet: only the outermost Flush sends.
    private int depth;

    /// <summary>Initializes a new instance of the <see cref="JobSubmitBatcher"/> class.</summary>
    /// <param name="context">The run's orchestration context.</param>
    /// <param name="takeRecords">Takes up to the given number of the run's changed task records for an activity to write.</param>
    /// <param name="holdsWhileDelivering">Whether the submits asked for while a batch's outcomes are handed to their attempts are held and sent together (<see cref="DagRunInput.BatchesMappedSubmits"/>).</param>
    public JobSubmitBatcher(TaskOrchestrationContext context, Func<int, IReadOnlyList<StoredTaskRecord>?> takeRecords, bool holdsWhileDelivering)
    {
        this.context = context;
        this.takeRecords = takeRecords;
        this.holdsWhileDelivering = holdsWhileDelivering;
    }

    /// <summary>Gets a value indicating whether submits are held for the next <see cref="Flush"/> (their run's changed records go with the batch, once).</summary>
    public bool Collecting => this.depth > 0;

    /// <summary>Holds every submit asked for until the matching <see cref="Flush"/>; calls nest, and only the outermost flush sends.</summary>
    public void Collect() => this.depth++;

    /// <summary>Holds submits (<see cref="Collect"/>) until the returned scope is disposed (<see cref="Flush"/>), when <paramref name="enabled"/>.</summary>
    /// <param name="enabled">Whether to hold: the run's behaviour flag for this kind of submit.</param>
    /// <returns>The scope; disposing it ends the hold, also when the code inside throws.</returns>
    public Holding Hold(bool enabled)
    {
        if (enabled)
        {
            this.Collect();
        }

        return new Holding(enabled ? this : null);
    }

    /// <summary>Submits one job attempt: at once, or with the batch being collected.</summary>
    /// <param name="input">The job.</param>
    /// <returns>The job as started; a failed submit fails it with <see cref="TaskFailedException"/>, as a failed <see cref="StartTaskJob"/> does.</returns>
    public Task<StartedTaskJob> SubmitAsync(StartTaskJobInput input)
    {
        if (!this.Collecting)
        {
            return this.context.CallActivityAsync<StartedTaskJob>(nameof(StartTaskJob), input);
        }

        var started = new TaskCompletionSource<StartedTaskJob>();
        this.held.Add(new HeldSubmit(input, started));
        return started.Task;
    }

    /// <summary>Ends one <see cref="Collect"/>; the outermost sends the held submits and stops holding. Without a collect, does nothing.</summary>
    public void Flush()
    {
        if (this.depth > 0 && --this.depth > 0)
        {
            return;
        }

        if (this.held.Count == 0)
        {
            return;
        }

        var takeRecords = this.takeRecords;
        var held = this.held.ToList();
        this.held.Clear();
        if (held.Count == 1)
        {
            var (input, started) = held[0];
            _ = ForwardAsync(this.context.CallActivityAsync<StartedTaskJob>(nameof(StartTaskJob), input with { Records = takeRecords(RunTaskStore.MaxBatch - 1) }), started);
            return;
        }

        foreach (var batch in Split(held))
        {
            var input = new StartTaskJobsInput([.. batch.Select(b => b.Input)])
            {
                RunId = batch[0].Input.RunId,
                ScheduledAt = this.context.CurrentUtcDateTime,
                Records = takeRecords(RunTaskStore.MaxBatch),
            };
            _ = this.ForwardAsync(this.context.CallActivityAsync<List<StartTaskJobOutcome>>(nameof(StartTaskJobs), input), batch);
        }
    }

    /// <summary>Gets about how many characters a job's input adds to an activity's input.</summary>
    private static int Estimate(StartTaskJobInput input) =>
        JobOverheadChars + (input.Spec.Sql?.Length ?? 0) + (input.JobRecord?.Json.Length ?? 0) + input.Chained.Sum(c => JobOverheadChars + (c.Spec.Sql?.Length ?? 0));

    private static List<List<HeldSubmit>> Split(List<HeldSubmit> held)
    {
        var batches = new List<List<HeldSubmit>>();
        var chars = 0;
        foreach (var job in held)
        {
            var size = Estimate(job.Input);
            if (batches.Count == 0 || batches[^1].Count >= StartTaskJobs.MaxJobs || (chars + size > MaxBatchChars && batches[^1].Count > 0))
            {
                batches.Add([]);
                chars = 0;
            }

            batches[^1].Add(job);
            chars += size;
        }

        return batches;
    }

    private static async Task ForwardAsync(Task<StartedTaskJob> call, TaskCompletionSource<StartedTaskJob> started)
    {
        try
        {
            started.SetResult(await call);
        }
#pragma warning disable CA1031 // The attempt that asked for the submit gets the failure, as from its own activity.
        catch (Exception error)
#pragma warning restore CA1031
        {
            started.SetException(error);
        }
    }

    private async Task ForwardAsync(Task<List<StartTaskJobOutcome>> call, List<HeldSubmit> batch)
    {
        List<StartTaskJobOutcome>? outcomes = null;
        Exception? failure = null;
        try
        {
            outcomes = await call;
        }
#pragma warning disable CA1031 // A batch that failed as a whole fails each of its attempts with its failure.
        catch (Exception error)
#pragma warning restore CA1031
        {
            failure = error;
        }

        // Each outcome resumes its attempt inline, and an attempt that ends frees a slot a sibling takes at once: held
        // until every outcome is handed over, those submits go as one batch rather than one activity each.
        using (this.Hold(this.holdsWhileDelivering))
        {
            Deliver(batch, outcomes, failure);
        }
    }

    private static void Deliver(List<HeldSubmit> batch, List<StartTaskJobOutcome>? outcomes, Exception? failure)
    {
        if (failure is not null)
        {
            foreach (var (_, started) in batch)
            {
                started.SetException(failure);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var outcome = outcomes is not null && i < outcomes.Count ? outcomes[i] : null;
            if (outcome?.Started is { } job)
            {
                batch[i].Started.SetResult(job);
            }
            else
            {
                // The same exception a failed StartTaskJob gives its caller: its message becomes the attempt's error.
                var details = new TaskFailureDetails(outcome?.ErrorType ?? typeof(InvalidOperationException).FullName!, outcome?.Error ?? "the batch submit returned no outcome for this job", null, null, null);
                batch[i].Started.SetException(new TaskFailedException(nameof(StartTaskJobs), -1, details));
            }
        }
    }

    /// <summary>A hold of <see cref="Hold"/>: its dispose is the matching <see cref="Flush"/> (none when it did not hold).</summary>
    public readonly struct Holding : IDisposable
    {
        private readonly JobSubmitBatcher? batcher;

        internal Holding(JobSubmitBatcher? batcher) => this.batcher = batcher;

        /// <inheritdoc/>
        public void Dispose() => this.batcher?.Flush();
    }

    /// <summary>A submit held until the flush, with the completion its attempt awaits.</summary>
    private readonly record struct HeldSubmit(StartTaskJobInput Input, TaskCompletionSource<StartedTaskJob> Started);
}
