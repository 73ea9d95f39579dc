using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Runs.Index;
using Serverless.Spark.Hosting;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Service;

/// <summary>
/// Creates the run service over a durable client. In Azure a <see cref="DurableTaskClient"/> exists only as the
/// <c>[DurableClient]</c> binding of the function being invoked, so the service is made per call around it; the local
/// host passes its one client.
/// </summary>
public sealed class DagRunServiceFactory : IDagRunServiceFactory
{
    private readonly DagCatalog catalog;
    private readonly DagRunStarter starter;
    private readonly StorageAccount account;
    private readonly IOptions<PipelineOptions> options;
    private readonly IOptions<SparkOptions> sparkOptions;
    private readonly TimeProvider time;
    private readonly RunIndexStore index;

    /// <summary>Initializes a new instance of the <see cref="DagRunServiceFactory"/> class.</summary>
    /// <param name="catalog">The DAG catalog.</param>
    /// <param name="starter">Builds run inputs.</param>
    /// <param name="account">The storage account.</param>
    /// <param name="options">The pipeline options.</param>
    /// <param name="sparkOptions">The Spark options.</param>
    /// <param name="time">The clock.</param>
    /// <param name="index">The runs index.</param>
    public DagRunServiceFactory(DagCatalog catalog, DagRunStarter starter, StorageAccount account, IOptions<PipelineOptions> options, IOptions<SparkOptions> sparkOptions, TimeProvider time, RunIndexStore index)
    {
        this.index = index;
        this.catalog = catalog;
        this.starter = starter;
        this.account = account;
        this.options = options;
        this.sparkOptions = sparkOptions;
        this.time = time;
    }

    /// <summary>Creates the service over a client.</summary>
    /// <param name="client">The durable client.</param>
    /// <returns>The service.</returns>
    public IDagRunService Create(DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new DagRunService(this.catalog, this.starter, client, this.account, this.options, this.sparkOptions, this.index, this.time);
    }
}
