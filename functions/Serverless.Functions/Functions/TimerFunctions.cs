using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;
using Serverless.Pipelines.Service;

namespace Serverless.Functions.Functions;

/// <summary>The scheduler tick and the daily maintenance purge.</summary>
public sealed class TimerFunctions
{
    /// <summary>The scheduler's NCRONTAB schedule: every minute, on the minute.</summary>
    public const string SchedulerSchedule = "0 * * * * *";

    /// <summary>The maintenance schedule: daily at 03:00 UTC.</summary>
    public const string MaintenanceSchedule = "0 0 3 * * *";

    private readonly IDagRunServiceFactory runs;
    private readonly TimeProvider time;
    private readonly ServerlessOptions options;
    private readonly ILogger logger;
    // Per process: once a tick saw the backfill done, later ticks skip even the cursor read (the class is made per call).
    private static volatile bool indexBackfillDone;

    /// <summary>Initializes a new instance of the <see cref="TimerFunctions"/> class.</summary>
    /// <param name="runs">Creates the run service.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">The app settings.</param>
    /// <param name="logger">The logger.</param>
    public TimerFunctions(IDagRunServiceFactory runs, TimeProvider time, IOptions<ServerlessOptions> options, ILogger<TimerFunctions> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.runs = runs;
        this.time = time;
        this.options = options.Value;
        this.logger = logger;
    }

    /// <summary>Starts the runs that are due (a missed tick is caught up by the next one: the last logical date is stored).</summary>
    /// <param name="timer">The timer.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="cancellationToken">Cancels the tick.</param>
    /// <returns>A task.</returns>
    [Function(FunctionNames.Scheduler)]
    public async Task Scheduler([TimerTrigger(SchedulerSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (!this.options.Scheduler)
        {
            return;
        }

        var service = this.runs.Create(client);
        var started = await service.StartDueRunsAsync(this.time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (started.Count > 0)
        {
            this.logger.SchedulerTick(started.Count);
        }

        // One bounded step of the one-time runs-index backfill per tick, until it is done.
        if (!indexBackfillDone)
        {
            var progress = await service.BackfillRunIndexAsync(cancellationToken).ConfigureAwait(false);
            indexBackfillDone = progress.Done;
            this.logger.RunIndexBackfilled(progress.Scanned, progress.Recorded, progress.Done);
        }
    }

    /// <summary>Purges runs that finished more than <see cref="ServerlessOptions.RetentionDays"/> days ago.</summary>
    /// <param name="timer">The timer.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="cancellationToken">Cancels the purge.</param>
    /// <returns>A task.</returns>
    [Function(FunctionNames.Maintenance)]
    public async Task Maintenance([TimerTrigger(MaintenanceSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var cutoff = this.time.GetUtcNow().AddDays(-this.options.RetentionDays);
        var purged = await this.runs.Create(client).PurgeFinishedRunsAsync(cutoff, cancellationToken).ConfigureAwait(false);
        this.logger.MaintenancePurged(purged, cutoff);
    }
}
