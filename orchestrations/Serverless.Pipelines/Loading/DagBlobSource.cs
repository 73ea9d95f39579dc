using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Pipelines.Validation;

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

    /// <summary>
    /// Loads and validates every DAG blob, in blob name order. A missing container holds no DAGs. A blob over
    /// <see cref="DagDocumentLimits.MaxDocumentBytes"/> is not downloaded, and it or a blob gone before its download is a
    /// result with that problem.
    /// </summary>
    /// <param name="cancellationToken">Cancels the listing and downloads.</param>
    /// <returns>One result per DAG blob.</returns>
    public async Task<IReadOnlyList<DagLoadResult>> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (!await container.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        var names = new List<string>();
        var tooLarge = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            if (DagFileLoader.IsDagFile(blob.Name) || blob.Name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                // The listing carries each length, so a blob over the limit is never downloaded.
                if (blob.Properties.ContentLength is > DagDocumentLimits.MaxDocumentBytes and var length)
                {
                    tooLarge[blob.Name] = length;
                }
                else
                {
                    names.Add(blob.Name);
                }
            }
        }

        var contents = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var unreadable = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            names,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (name, token) =>
            {
                try
                {
                    var download = await container.GetBlobClient(name).DownloadContentAsync(token).ConfigureAwait(false);
                    contents[name] = download.Value.Content.ToString();
                }
                catch (RequestFailedException error) when (error.Status == 404)
                {
                    // Deleted between the listing and the download: that blob's problem, not the container's.
                    unreadable[name] = error.Message;
                }
            }).ConfigureAwait(false);

        var results = names
            .Concat(tooLarge.Keys)
            .Where(DagFileLoader.IsDagFile)
            .Order(StringComparer.Ordinal)
            .Select(name => tooLarge.TryGetValue(name, out var length) ? DagFileLoader.TooLarge(name, length)
                : unreadable.TryGetValue(name, out var why) ? new DagLoadResult(name, null, [new DagProblem(name, 0, 0, string.Empty, $"the blob could not be read: {why}")])
                : DagFileLoader.Load(contents[name], name, relative => contents.GetValueOrDefault(Resolve(name, relative))))
            .ToList();
        return DuplicateDagIds.Report(results);
    }

    /// <summary>
    /// Gets a fingerprint of what a load reads, from one listing (no downloads): the name and ETag of every DAG and
    /// <c>.sql</c> blob. It changes when a blob is added, overwritten or deleted, so a reload is needed only then. At most
    /// <see cref="DagDocumentLimits.MaxWatchedFiles"/> blobs are looked at; a missing container has a fingerprint of its own.
    /// </summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The fingerprint.</returns>
    public async Task<string> FingerprintAsync(CancellationToken cancellationToken = default)
    {
        var entries = new List<string>();
        try
        {
            await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
            {
                if (DagFileLoader.IsDagFile(blob.Name) || blob.Name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
                {
                    entries.Add(blob.Name + "|" + blob.Properties.ETag);
                    if (entries.Count >= DagDocumentLimits.MaxWatchedFiles)
                    {
                        break;
                    }
                }
            }
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            return "absent";
        }

        // The listing is in name order already; the hash keeps the fingerprint small whatever the count.
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', entries))));
    }

    /// <summary>Resolves a path relative to a DAG blob into a blob name of the same container (<c>..</c> stops at the root).</summary>
    internal static string Resolve(string dagBlobName, string relative)
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
