using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Serverless.Spark.Backends.Local;

/// <summary>
/// Input blobs staged to local files, kept by blob URL and ETag: a job that reads a blob no one changed since the
/// last job skips the download. A changed blob has a new ETag, so it can never be served stale. Bounded by size;
/// the least recently used files are removed first.
/// </summary>
internal sealed class StagedInputCache
{
    /// <summary>Gets the transfer settings for staging downloads: a few ranges in parallel.</summary>
    public static readonly StorageTransferOptions TransferOptions = new()
    {
        MaximumConcurrency = 8,
        InitialTransferSize = 4 * 1024 * 1024,
        MaximumTransferSize = 4 * 1024 * 1024,
    };

    private readonly string directory;
    private readonly long maxBytes;
    private readonly Lock evictLock = new();

    /// <summary>Initializes a new instance of the <see cref="StagedInputCache"/> class.</summary>
    /// <param name="directory">The cache folder.</param>
    /// <param name="maxBytes">The size bound; 0 disables caching.</param>
    public StagedInputCache(string directory, long maxBytes)
    {
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    /// <summary>Gets the cache folder.</summary>
    public string Directory => this.directory;

    /// <summary>Gets a value indicating whether caching is on.</summary>
    public bool Enabled => this.maxBytes > 0;

    /// <summary>Returns a local file with the blob's content at <paramref name="etag"/>, downloading it when needed.</summary>
    /// <param name="blob">The blob.</param>
    /// <param name="etag">Its ETag from the listing.</param>
    /// <param name="extension">The file extension DuckDB reads by (for example <c>.parquet</c>).</param>
    /// <param name="jobDirectory">Where to download when caching is off.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The file and whether it came from the cache.</returns>
    public async Task<(string Path, bool CacheHit)> StageAsync(BlobClient blob, ETag etag, string extension, string jobDirectory, CancellationToken cancellationToken)
    {
        if (!this.Enabled)
        {
            string target = Path.Combine(jobDirectory, Guid.NewGuid().ToString("N") + extension);
            await DownloadAsync(blob, etag, target, cancellationToken).ConfigureAwait(false);
            return (target, false);
        }

        string name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blob.Uri.AbsoluteUri + "|" + etag)));
        string file = Path.Combine(this.directory, name + extension);
        if (File.Exists(file))
        {
            File.SetLastAccessTimeUtc(file, DateTime.UtcNow);
            return (file, true);
        }

        System.IO.Directory.CreateDirectory(this.directory);
        string partial = file + "." + Guid.NewGuid().ToString("N") + ".partial";
        try
        {
            await DownloadAsync(blob, etag, partial, cancellationToken).ConfigureAwait(false);

            // Two jobs may stage the same blob at once; both files hold the same bytes, so the last move wins harmlessly.
            File.Move(partial, file, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }

        this.Evict(file);
        return (file, false);
    }

    private static async Task DownloadAsync(BlobClient blob, ETag etag, string target, CancellationToken cancellationToken)
    {
        // If-Match: the bytes must be the version the ETag names, or the cache key would lie.
        var options = new BlobDownloadToOptions
        {
            TransferOptions = TransferOptions,
            Conditions = new BlobRequestConditions { IfMatch = etag },
        };
        await blob.DownloadToAsync(target, options, cancellationToken).ConfigureAwait(false);
    }

    private void Evict(string keep)
    {
        lock (this.evictLock)
        {
            var files = new DirectoryInfo(this.directory).GetFiles()
                .Where(f => !f.Name.EndsWith(".partial", StringComparison.Ordinal))
                .OrderByDescending(f => f.LastAccessTimeUtc)
                .ToList();
            long total = 0;
            foreach (FileInfo f in files)
            {
                total += f.Length;
                if (total > this.maxBytes && !string.Equals(f.FullName, keep, StringComparison.Ordinal))
                {
                    // An open file survives deletion on Linux, so a job reading it is not disturbed.
                    try
                    {
                        f.Delete();
                    }
                    catch (IOException)
                    {
                    }
                }
            }
        }
    }
}
