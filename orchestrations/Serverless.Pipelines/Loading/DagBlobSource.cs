using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Serverless.Pipelines.Loading;

/// <summary>
/// Loads every DAG file in a blob container (deployed DAGs; container <c>dags</c> by default, setting
/// <c>Serverless__DagContainer</c>). <c>sqlFile</c> references resolve to <c>.sql</c> blobs relative to the DAG blob.
/// </summary>
public sealed class DagBlobSource
{
    private readonly BlobContainerClient container;
    private readonly string? prefix;

    /// <summary>Initializes a new instance of the <see cref="DagBlobSource"/> class.</summary>
    /// <param name="container">The container holding the DAG files.</param>
    /// <param name="prefix">A blob name prefix (a virtual folder) to limit the listing to, or <see langword="null"/>.</param>
    public DagBlobSource(BlobContainerClient container, string? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        this.container = container;
        this.prefix = prefix;
    }

    /// <summary>Loads and validates every DAG blob, in blob name order. A missing container holds no DAGs.</summary>
    /// <param name="cancellationToken">Cancels the listing and downloads.</param>
    /// <returns>One result per DAG blob.</returns>
    public async Task<IReadOnlyList<DagLoadResult>> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (!await container.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            if (DagFileLoader.IsDagFile(blob.Name) || blob.Name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                names.Add(blob.Name);
            }
        }

        var contents = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            names,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (name, token) =>
            {
                var download = await container.GetBlobClient(name).DownloadContentAsync(token).ConfigureAwait(false);
                contents[name] = download.Value.Content.ToString();
            }).ConfigureAwait(false);

        var results = names
            .Where(DagFileLoader.IsDagFile)
            .Order(StringComparer.Ordinal)
            .Select(name => DagFileLoader.Load(contents[name], name, relative => contents.GetValueOrDefault(Resolve(name, relative))))
            .ToList();
        return DuplicateDagIds.Report(results);
    }

    private static string Resolve(string dagBlobName, string relative)
    {
        var slash = dagBlobName.LastIndexOf('/');
        var segments = new List<string>(slash < 0 ? [] : dagBlobName[..slash].Split('/'));
        foreach (var segment in relative.Replace('\\', '/').Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }
}
