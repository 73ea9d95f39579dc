using Microsoft.Extensions.Options;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Validation;
using Serverless.Spark;
using Serverless.Spark.Hosting;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Service;

/// <summary>
/// The DAGs this host knows: the files of <see cref="PipelineOptions.DagFolder"/> (local) or of the
/// <see cref="PipelineOptions.DagContainer"/> blob container (deployed), plus DAGs defined in code. Thread-safe; the
/// loaded set is replaced whole on <see cref="RefreshAsync"/>, which <see cref="DagCatalogWatcher"/> calls when the
/// files change.
/// </summary>
/// <remarks>
/// A file that was valid and is now broken keeps its last valid version active (<see cref="DagLoadResult.PreviousVersion"/>):
/// its schedule and manual triggers go on while the problems are listed, as Airflow keeps the last parsed DAG.
/// </remarks>
public sealed class DagCatalog : IDisposable
{
    private readonly PipelineOptions options;
    private readonly SparkOptions spark;
    private readonly StorageAccount account;
    private readonly SemaphoreSlim loading = new(1, 1);
    private volatile Loaded? loaded;

    /// <summary>Initializes a new instance of the <see cref="DagCatalog"/> class.</summary>
    /// <param name="options">The pipeline options.</param>
    /// <param name="account">The storage account (for the DAG container).</param>
    /// <param name="spark">The Spark settings, for warnings about task kinds the configured backend cannot run; the defaults when <see langword="null"/>.</param>
    public DagCatalog(IOptions<PipelineOptions> options, StorageAccount account, IOptions<SparkOptions>? spark = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.account = account;
        this.spark = spark?.Value ?? new SparkOptions();
    }

    /// <summary>Gets the local folder the catalog reads, or <see langword="null"/> when it reads the container (or neither).</summary>
    public string? Folder => this.options.DagFolder is { Length: > 0 } folder ? folder : null;

    /// <summary>Gets every load result, valid or not; loads on first use.</summary>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The results.</returns>
    public async Task<IReadOnlyList<DagLoadResult>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        if (this.loaded is { } current)
        {
            return current.Results;
        }

        await this.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return this.loaded!.Results;
    }

    /// <summary>Gets the results loaded so far, or loads them (blocking) on first use.</summary>
    /// <returns>The results.</returns>
    public IReadOnlyList<DagLoadResult> GetAll() => this.loaded?.Results ?? this.GetAllAsync().GetAwaiter().GetResult();

    /// <summary>Finds the active version of a DAG: the valid file, or the last valid version of a file now broken.</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <returns>The DAG, or null.</returns>
    public DagDefinition? Find(string dagId) => FindIn(this.GetAll(), dagId);

    /// <summary>Finds the active version of a DAG: the valid file, or the last valid version of a file now broken.</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="cancellationToken">Cancels a first load.</param>
    /// <returns>The DAG, or null.</returns>
    public async Task<DagDefinition?> FindAsync(string dagId, CancellationToken cancellationToken = default) =>
        FindIn(await this.GetAllAsync(cancellationToken).ConfigureAwait(false), dagId);

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
            await this.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            this.loading.Release();
        }
    }

    /// <summary>
    /// Re-reads the folder or container when its fingerprint (names, lengths or ETags, write times) differs from the
    /// one of the last load, or nothing was loaded yet: the cheap check the hot reload runs every few seconds.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check and the load.</param>
    /// <returns><see langword="true"/> when it reloaded.</returns>
    public async Task<bool> RefreshIfChangedAsync(CancellationToken cancellationToken = default)
    {
        await this.loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (this.loaded is { } current && string.Equals(current.Fingerprint, await this.FingerprintAsync(cancellationToken).ConfigureAwait(false), StringComparison.Ordinal))
            {
                return false;
            }

            await this.LoadAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            this.loading.Release();
        }
    }

    private bool ReadsContainer => this.Folder is null ? this.options.ReadDagContainer : this.options.AlsoReadDagContainer;

    private static DagDefinition? FindIn(IReadOnlyList<DagLoadResult> results, string dagId) =>
        results.Select(r => r.ActiveDag).FirstOrDefault(d => d is not null && string.Equals(d.Id, dagId, StringComparison.Ordinal));

    // A broken file keeps the version its previous load had active, unless a valid file now declares that DAG id.
    private static List<DagLoadResult> KeepLastGood(IReadOnlyList<DagLoadResult> fresh, IReadOnlyList<DagLoadResult>? previous)
    {
        var lastGood = (previous ?? [])
            .Where(r => r.ActiveDag is not null)
            .ToDictionary(r => r.FileName, r => r.ActiveDag!, StringComparer.Ordinal);
        var activeIds = fresh.Where(r => r.IsValid).Select(r => r.Dag!.Id).ToHashSet(StringComparer.Ordinal);
        return fresh
            .Select(r => !r.IsValid && lastGood.TryGetValue(r.FileName, out var good) && activeIds.Add(good.Id) ? r with { PreviousVersion = good } : r)
            .ToList();
    }

    // Called holding the lock. The fingerprint is taken before the read, so an edit during the read is seen next time.
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var fingerprint = await this.FingerprintAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<DagLoadResult>();
        var scripts = new List<DagScript>();
        if (this.Folder is { } folder && Directory.Exists(folder))
        {
            // A folder not there (yet) holds no DAGs, as a missing container does; creating it is picked up.
            foreach (var result in await new DagFolderSource(folder).LoadAsync(cancellationToken).ConfigureAwait(false))
            {
                results.Add(await DagScriptFiles.ResolveAsync(result, DagScriptFiles.FolderReader(folder, result.FileName), scripts, cancellationToken).ConfigureAwait(false));
            }
        }

        if (this.ReadsContainer)
        {
            var container = this.account.Blobs.GetBlobContainerClient(this.options.DagContainer);
            foreach (var result in await new DagBlobSource(container).LoadAsync(cancellationToken).ConfigureAwait(false))
            {
                var resolved = await DagScriptFiles.ResolveAsync(result, DagScriptFiles.BlobReader(container, result.FileName), scripts, cancellationToken).ConfigureAwait(false);
                results.Add(this.Folder is null ? resolved : NameByContainer(resolved, this.options.DagContainer));
            }
        }

        // Uploaded before the DAGs that name them are active, so a run started after a load finds its script. Storage
        // down does not stop the load (a folder needs none): the empty fingerprint makes the next check try again.
        try
        {
            await DagScriptFiles.UploadAsync(this.account.Blobs.GetBlobContainerClient(SparkResourceNames.ScriptsContainer), scripts, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is Azure.RequestFailedException or AggregateException)
        {
            fingerprint = string.Empty;
        }

        if (this.Folder is not null && this.ReadsContainer)
        {
            results = [.. DuplicateDagIds.Report(results)];
        }

        foreach (var dag in this.options.Dags)
        {
            results.Add(new DagLoadResult("<code>/" + dag.Id, dag, DagValidator.Validate(dag)));
        }

        var withWarnings = results.Select(r => DagPoolCheck.Apply(r, this.options.Pools))
            .Select(r => r.Dag is null ? r : r with { Warnings = DagBackendCheck.Warnings(r.Dag, r.FileName, this.spark) }).ToList();
        this.loaded = new Loaded(KeepLastGood(withWarnings, this.loaded?.Results), fingerprint);
    }

    private async Task<string> FingerprintAsync(CancellationToken cancellationToken)
    {
        var folder = this.Folder is { } path ? new DagFolderSource(path).Fingerprint() : string.Empty;
        var container = this.ReadsContainer
            ? await new DagBlobSource(this.account.Blobs.GetBlobContainerClient(this.options.DagContainer)).FingerprintAsync(cancellationToken).ConfigureAwait(false)
            : string.Empty;
        return folder + "|" + container;
    }

    // Beside a folder, a container's files are named by container too, so a.yaml in each is two files.
    private static DagLoadResult NameByContainer(DagLoadResult result, string container) => result with
    {
        FileName = container + "/" + result.FileName,
        Problems = [.. result.Problems.Select(p => p with { File = container + "/" + p.File })],
    };

    /// <summary>One load: its results and the fingerprint of the files it read.</summary>
    private sealed record Loaded(IReadOnlyList<DagLoadResult> Results, string Fingerprint);
}
