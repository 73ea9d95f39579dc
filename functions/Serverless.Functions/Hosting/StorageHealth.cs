using Azure;
using Microsoft.Extensions.Options;
using Serverless.Storage.Connection;

namespace Serverless.Functions.Hosting;

/// <summary>
/// Tells whether the task hub's storage answers: its work-item queue and its instances table exist and can be read.
/// A host that lost its storage says so (degraded, with the reason) instead of answering healthy.
/// </summary>
public sealed class StorageHealth
{
    /// <summary>How long one probe may take before storage counts as unreachable.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly StorageAccount account;
    private readonly string taskHub;
    private volatile string? recovery;

    /// <summary>Initializes a new instance of the <see cref="StorageHealth"/> class.</summary>
    /// <param name="account">The storage account.</param>
    /// <param name="options">The app settings (task hub name).</param>
    public StorageHealth(StorageAccount account, IOptions<ServerlessOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.account = account;
        this.taskHub = options.Value.TaskHub;
    }

    /// <summary>
    /// Gets the reason the host is recovering from lost storage, while it is; null otherwise. Storage can look whole
    /// again (the task hub recreated) before the durable engine accepts calls, so health stays degraded until the one
    /// recovering says it is done.
    /// </summary>
    public string? Recovery => this.recovery;

    /// <summary>Probes storage, and reports degraded while the host recovers from lost storage.</summary>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>Null when healthy, else the reason.</returns>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken = default) =>
        this.recovery ?? await this.CheckStorageAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Records that the host is recovering from lost storage (a reason), or is done (null).</summary>
    /// <param name="reason">What is being recovered, or null when done.</param>
    public void ReportRecovery(string? reason) => this.recovery = reason;

    /// <summary>Probes storage only: the task hub's work-item queue and instances table.</summary>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>Null when they answer, else the reason.</returns>
    public async Task<string?> CheckStorageAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var queue = TaskHubNames.WorkItemQueue(this.taskHub);
        var table = TaskHubNames.InstancesTable(this.taskHub);
        try
        {
            if (!await this.account.Queues.GetQueueClient(queue).ExistsAsync(timeout.Token).ConfigureAwait(false))
            {
                return $"the task hub queue '{queue}' does not exist (storage was reset or the hub is being created)";
            }

            await foreach (var _ in this.account.Tables.QueryAsync(t => t.Name == table, maxPerPage: 1, timeout.Token).ConfigureAwait(false))
            {
                return null;
            }

            return $"the task hub table '{table}' does not exist (storage was reset or the hub is being created)";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"storage did not answer within {Timeout.TotalSeconds:0} s";
        }
        catch (RequestFailedException e)
        {
            return $"storage refused the probe: {e.Status} {e.ErrorCode}";
        }
        catch (Exception e) when (e is HttpRequestException or AggregateException or IOException)
        {
            return $"storage is unreachable: {e.GetBaseException().Message}";
        }
    }
}
