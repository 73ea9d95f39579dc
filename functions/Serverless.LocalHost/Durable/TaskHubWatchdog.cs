using Azure;
using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;
using Serverless.Spark.Hosting;
using Serverless.Storage.Connection;

namespace Serverless.LocalHost.Durable;

/// <summary>
/// Brings the local host back after its storage lost the task hub (Azurite restarted empty, an account reset): when
/// storage answers again but the task hub's queue or table is gone, it recreates the data container and restarts the
/// durable provider, which creates the task hub again (the app's stores recreate their own tables on first use, see
/// <c>OnDemandTable</c>). From the moment the loss is seen until the app's durable client is connected again,
/// /api/health reports degraded, so healthy means a trigger gets through. In Azure the Functions host's Durable
/// extension owns this.
/// </summary>
internal sealed partial class TaskHubWatchdog : BackgroundService
{
    /// <summary>How often storage is probed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly StorageHealth health;
    private readonly LocalDurableStack durable;
    private readonly StorageAccount account;
    private readonly SparkOptions spark;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    /// <summary>Initializes a new instance of the <see cref="TaskHubWatchdog"/> class.</summary>
    /// <param name="health">The storage probe.</param>
    /// <param name="durable">The durable stack.</param>
    /// <param name="account">The storage account.</param>
    /// <param name="spark">The Spark settings (data container).</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public TaskHubWatchdog(StorageHealth health, LocalDurableStack durable, StorageAccount account, IOptions<SparkOptions> spark, TimeProvider time, ILogger<TaskHubWatchdog> logger)
    {
        ArgumentNullException.ThrowIfNull(spark);
        this.health = health;
        this.durable = durable;
        this.account = account;
        this.spark = spark.Value;
        this.time = time;
        this.logger = logger;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, this.time, stoppingToken).ConfigureAwait(false);
                var problem = await this.health.CheckStorageAsync(stoppingToken).ConfigureAwait(false);
                var lost = problem is not null && problem.Contains("does not exist", StringComparison.Ordinal);
                if (lost)
                {
                    this.Recreating(problem!);
                    this.health.ReportRecovery($"storage lost the task hub ({problem}); it is being recreated and the durable provider restarted");
                }

                // Also when storage looks whole again but an earlier attempt failed half-way: the task hub may be
                // back while the provider is not.
                if (this.health.Recovery is not null && (lost || problem is null))
                {
                    await this.account.Blobs.GetBlobContainerClient(this.spark.DataContainer).CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                    await this.durable.RestartAsync(stoppingToken).ConfigureAwait(false);
                    this.health.ReportRecovery(null);
                    this.Recreated();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RequestFailedException or HttpRequestException or IOException or InvalidOperationException or AggregateException or TimeoutException
                || (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
            {
                // Storage went away again mid-way: the next probe tries again.
                this.RecreateFailed(e);
            }
        }
    }

    [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Storage lost the task hub ({Problem}); recreating it and restarting the durable provider")]
    private partial void Recreating(string problem);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "Task hub recreated; the host accepts runs again")]
    private partial void Recreated();

    [LoggerMessage(EventId = 6203, Level = LogLevel.Warning, Message = "Recreating the task hub failed; the next probe retries")]
    private partial void RecreateFailed(Exception error);
}
