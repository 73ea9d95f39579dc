using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Serverless.Functions.Hosting;

/// <summary>
/// Puts the public sample data (npm package vega-datasets) into the data container at the paths the sample DAGs read
/// (<c>samples/flights-3m.parquet</c>, …), so the samples run on a fresh Azurite.
/// </summary>
public static class SampleData
{
    /// <summary>The files uploaded, by name in <c>node_modules/vega-datasets/data</c>; each goes to <c>samples/{name}</c>.</summary>
    public static readonly IReadOnlyList<string> Files = ["flights-3m.parquet", "airports.csv", "stocks.csv", "seattle-weather.csv"];

    /// <summary>The blob folder the sample DAGs read from.</summary>
    public const string BlobFolder = "samples/";

    /// <summary>Finds <c>node_modules/vega-datasets/data</c> from the current directory or the app's directory upward.</summary>
    /// <returns>The folder, or null.</returns>
    public static string? FindFolder()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "node_modules", "vega-datasets", "data");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Uploads the files that are missing or of another size; existing equal blobs are left alone.</summary>
    /// <param name="container">The data container (created if needed).</param>
    /// <param name="folder">The local folder.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>How many files were uploaded.</returns>
    public static async Task<int> UploadAsync(BlobContainerClient container, string folder, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var uploaded = 0;
        foreach (var name in Files)
        {
            var file = new FileInfo(Path.Combine(folder, name));
            if (!file.Exists)
            {
                continue;
            }

            var blob = container.GetBlobClient(BlobFolder + name);
            try
            {
                BlobProperties properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                if (properties.ContentLength == file.Length)
                {
                    continue;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Not there yet: upload below.
            }

            await blob.UploadAsync(file.FullName, overwrite: true, cancellationToken).ConfigureAwait(false);
            logger.SampleUploaded(blob.Name, file.Length);
            uploaded++;
        }

        return uploaded;
    }
}
