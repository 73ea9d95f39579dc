using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Storage.Diagnostics;

/// <summary>Marks each request with the storage service ("blob", "queue", "table") of the client that sent it.</summary>
internal sealed class StorageServiceTagPolicy(string service) : HttpPipelineSynchronousPolicy
{
    public static string? GetService(HttpMessage message) =>
        message.TryGetProperty(typeof(StorageServiceTagPolicy), out object? value) ? value as string : null;

    public override void OnSendingRequest(HttpMessage message) =>
        message.SetProperty(typeof(StorageServiceTagPolicy), service);
}
