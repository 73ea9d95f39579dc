using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Storage.Diagnostics;

/// <summary>
/// Counts every request the Azure SDK sends (retries included), split by service. On Azure these
/// are the billed storage transactions, and unlike timings they do not drift with machine speed.
/// </summary>
public sealed class StorageRequestCounter : HttpPipelineSynchronousPolicy
{
    private long blob;
    private long queue;
    private long table;
    private long other;

    /// <summary>Gets the total number of requests sent.</summary>
    public long Total => Interlocked.Read(ref this.blob) + Interlocked.Read(ref this.queue) + Interlocked.Read(ref this.table) + Interlocked.Read(ref this.other);

    /// <summary>Gets the number of blob service requests.</summary>
    public long Blob => Interlocked.Read(ref this.blob);

    /// <summary>Gets the number of queue service requests.</summary>
    public long Queue => Interlocked.Read(ref this.queue);

    /// <summary>Gets the number of table service requests.</summary>
    public long Table => Interlocked.Read(ref this.table);

    /// <summary>Sets every count back to zero.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref this.blob, 0);
        Interlocked.Exchange(ref this.queue, 0);
        Interlocked.Exchange(ref this.table, 0);
        Interlocked.Exchange(ref this.other, 0);
    }

    /// <inheritdoc/>
    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Azurite serves every service on 127.0.0.1, so the service comes from the tag the client
        // that sent the request put on it, not from the host name.
        string? service = StorageServiceTagPolicy.GetService(message);
        switch (service)
        {
            case "blob": Interlocked.Increment(ref this.blob); break;
            case "queue": Interlocked.Increment(ref this.queue); break;
            case "table": Interlocked.Increment(ref this.table); break;
            default: Interlocked.Increment(ref this.other); break;
        }
    }
}
