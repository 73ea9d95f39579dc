using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Serverless.Durable.Storage;

/// <summary>
/// Keeps text that is too large for a table property or a queue message in the payload container.
/// Blob names start with the instance id, so purging an instance deletes its payloads by prefix.
/// </summary>
internal sealed class PayloadStore(BlobContainerClient container)
{
    /// <summary>
    /// The longest text kept inline. A table string property holds 32 K UTF-16 characters and a queue
    /// message 64 KB; 30,000 leaves room for the other properties and XML escaping.
    /// </summary>
    public const int MaxInlineLength = 30_000;

    public static bool ShouldOffload(string? text) => text is not null && text.Length > MaxInlineLength;

    public async Task UploadAsync(string blobName, string text, CancellationToken cancellationToken)
    {
        BlobClient blob = container.GetBlobClient(blobName);
        await blob.UploadAsync(BinaryData.FromString(text), overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> DownloadAsync(string blobName, CancellationToken cancellationToken)
    {
        Response<BlobDownloadResult> result = await container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return result.Value.Content.ToString();
    }

    public async Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        int deleted = 0;
        await foreach (BlobItem item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            await container.DeleteBlobIfExistsAsync(item.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            deleted++;
        }

        return deleted;
    }
}
