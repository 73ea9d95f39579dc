using Microsoft.DurableTask;
using Serverless.Spark.Data;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Orchestration;

/// <summary>Durable activity: one poke of a blob sensor — whether a blob exists (or, for a folder, any blob under it).</summary>
public sealed class CheckBlobExists : TaskActivity<string, bool>
{
    private readonly StorageAccount account;

    /// <summary>Initializes a new instance of the <see cref="CheckBlobExists"/> class.</summary>
    /// <param name="account">The storage account.</param>
    public CheckBlobExists(StorageAccount account) => this.account = account;

    /// <inheritdoc/>
    public override async Task<bool> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var location = DataLocation.Parse(input);
        var container = this.account.Blobs.GetBlobContainerClient(location.Container);
        if (!location.IsFolder)
        {
            try
            {
                return (await container.GetBlobClient(location.Path).ExistsAsync(CancellationToken.None).ConfigureAwait(false)).Value;
            }
            catch (Azure.RequestFailedException error) when (error.Status == 404)
            {
                return false;
            }
        }

        try
        {
            await foreach (var page in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, location.Path, CancellationToken.None).AsPages(pageSizeHint: 1).ConfigureAwait(false))
            {
                return page.Values.Count > 0;
            }
        }
        catch (Azure.RequestFailedException error) when (error.Status == 404)
        {
            return false;
        }

        return false;
    }
}
