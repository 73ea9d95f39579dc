using Microsoft.Extensions.Options;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Validation;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Service;

/// <summary>
/// The DAGs this host knows: the files of <see cref="PipelineOptions.DagFolder"/> (local) or of the
/// <see cref="PipelineOptions.DagContainer"/> blob container (deployed), plus DAGs defined in code. Thread-safe; the
/// loaded set is replaced whole on <see cref="RefreshAsync"/>.
/// </summary>
public sealed class DagCatalog : IDisposable
{
    private readonly PipelineOptions options;
    private readonly StorageAccount account;
    private readonly SemaphoreSlim loading = new(1, 1);
    private volatile IReadOnlyList<DagLoadResult>? loaded;

    /// <summary>Initializes a new instance of the <see cref="DagCatalog"/> class.</summary>
    /// <param name="options">The pipeline options.</param>
    /// <param name="account">The storage account (for the DAG container).</param>
    public DagCatalog(IOptions<PipelineOptions> options, StorageAccount account)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.account = account;
    }

    /// <summary>Gets every load result, valid or not; loads on first use.</summary>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The results.</returns>
    public async Task<IReadOnlyList<DagLoadResult>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        if (this.loaded is { } current)
        {
            return current;
        }

        await this.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return this.loaded!;
    }

    /// <summary>Gets the results loaded so far, or loads them (blocking) on first use.</summary>
    /// <returns>The results.</returns>
    public IReadOnlyList<DagLoadResult> GetAll() => this.loaded ?? this.GetAllAsync().GetAwaiter().GetResult();

    /// <summary>Finds a valid DAG.</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="cancellationToken">Cancels a first load.</param>
    /// <returns>The DAG, or null.</returns>
    public async Task<DagDefinition?> FindAsync(string dagId, CancellationToken cancellationToken = default) =>
        (await this.GetAllAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.IsValid && string.Equals(r.Dag!.Id, dagId, StringComparison.Ordinal))?.Dag;

    /// <inheritdoc/>
    public void Dispose() => this.loading.Dispose();

    /// <summary>Re-reads the folder or container.</summary>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>A task.</returns>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await this.loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var results = new List<DagLoadResult>();
            if (this.options.DagFolder is { Length: > 0 } folder)
            {
                results.AddRange(await new DagFolderSource(folder).LoadAsync(cancellationToken).ConfigureAwait(false));
            }
            else if (this.options.ReadDagContainer)
            {
                var container = this.account.Blobs.GetBlobContainerClient(this.options.DagContainer);
                results.AddRange(await new DagBlobSource(container).LoadAsync(cancellationToken).ConfigureAwait(false));
            }

            foreach (var dag in this.options.Dags)
            {
                results.Add(new DagLoadResult("<code>/" + dag.Id, dag, DagValidator.Validate(dag)));
            }

            this.loaded = results;
        }
        finally
        {
            this.loading.Release();
        }
    }
}
