using Microsoft.Extensions.Options;
using Serverless.Pipelines.Service;
using Serverless.Spark.Hosting;
using Serverless.Storage.Connection;

namespace Serverless.Functions.Hosting;

/// <summary>
/// What the Functions host's timers do, done in-process when the app runs standalone: uploads the sample data on
/// start, ticks the scheduler every minute (on the minute) and purges old runs daily.
/// </summary>
public sealed class StandaloneServices : BackgroundService
{
    private readonly IDagRunService runs;
    private readonly StorageAccount account;
    private readonly ServerlessOptions options;
    private readonly SparkOptions spark;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    /// <summary>Initializes a new instance of the <see cref="StandaloneServices"/> class.</summary>
    /// <param name="runs">The run service.</param>
    /// <param name="account">The storage account.</param>
    /// <param name="options">The app settings.</param>
    /// <param name="spark">The Spark settings (for the data container).</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public StandaloneServices(IDagRunService runs, StorageAccount account, IOptions<ServerlessOptions> options, IOptions<SparkOptions> spark, TimeProvider time, ILogger<StandaloneServices> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(spark);
        this.runs = runs;
        this.account = account;
        this.options = options.Value;
        this.spark = spark.Value;
        this.time = time;
        this.logger = logger;
    }

    /// <inheritdoc/>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Upload before the server starts listening, so a run triggered as soon as /api/health answers finds its data.
        if (this.options.UploadSampleData)
        {
            if (SampleData.FindFolder() is { } folder)
            {
                await SampleData.UploadAsync(this.account.Blobs.GetBlobContainerClient(this.spark.DataContainer), folder, this.logger, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                this.logger.SampleDataMissing("node_modules/vega-datasets/data");
            }
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPurge = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = this.time.GetUtcNow();
            try
            {
                var started = await this.runs.StartDueRunsAsync(now, stoppingToken).ConfigureAwait(false);
                if (started.Count > 0)
                {
                    this.logger.SchedulerTick(started.Count);
                }

                if (now - lastPurge >= TimeSpan.FromDays(1))
                {
                    var cutoff = now.AddDays(-this.options.RetentionDays);
                    var purged = await this.runs.PurgeFinishedRunsAsync(cutoff, stoppingToken).ConfigureAwait(false);
                    this.logger.MaintenancePurged(purged, cutoff);
                    lastPurge = now;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                this.logger.SchedulerTickFailed(e);
            }

            // Tick on the minute, like the Functions timer "0 * * * * *".
            var next = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMinute)).AddMinutes(1);
            try
            {
                await Task.Delay(next - this.time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1), this.time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
