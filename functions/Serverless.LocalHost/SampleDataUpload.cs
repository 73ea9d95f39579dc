using Microsoft.Extensions.Options;
using Serverless.Functions;
using Serverless.Functions.Hosting;
using Serverless.Spark.Hosting;
using Serverless.Storage.Connection;

namespace Serverless.LocalHost;

/// <summary>
/// Uploads the sample data (vega-datasets from node_modules) to the data container before the server listens, so a
/// run triggered as soon as /api/health answers finds its data. In Azure the deploy script uploads it.
/// </summary>
/// <param name="account">The storage account.</param>
/// <param name="options">The app settings.</param>
/// <param name="spark">The Spark settings (data container).</param>
/// <param name="logger">The logger.</param>
internal sealed class SampleDataUpload(StorageAccount account, IOptions<ServerlessOptions> options, IOptions<SparkOptions> spark, ILogger<SampleDataUpload> logger) : IHostedService
{
    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.UploadSampleData)
        {
            return;
        }

        if (SampleData.FindFolder() is { } folder)
        {
            await SampleData.UploadAsync(account.Blobs.GetBlobContainerClient(spark.Value.DataContainer), folder, logger, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            logger.SampleDataMissing("node_modules/vega-datasets/data");
        }
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
