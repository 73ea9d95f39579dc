using Azure;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Service;
using Serverless.Spark.Hosting;
using Serverless.Storage.Connection;

namespace Serverless.Functions.Hosting;

/// <summary>
/// At start: creates the data container the tasks write to (Azurite starts empty) and loads the DAG catalog, so the
/// first request neither fails on a missing container nor pays for (or blocks on) loading the catalog.
/// </summary>
/// <param name="catalog">The DAG catalog.</param>
/// <param name="account">The storage account.</param>
/// <param name="spark">The Spark settings (data container).</param>
public sealed class StartupWarmup(DagCatalog catalog, StorageAccount account, IOptions<SparkOptions> spark) : IHostedService
{
    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await account.Blobs.GetBlobContainerClient(spark.Value.DataContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            // An identity allowed to write blobs but not create containers: the deployment created it.
        }

        await catalog.RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
