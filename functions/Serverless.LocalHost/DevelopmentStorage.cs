using System.Net.Sockets;
using Serverless.Storage.Connection;
using Serverless.Storage.Emulator;

namespace Serverless.LocalHost;

/// <summary>
/// Starts Azurite from <c>node_modules</c> when the storage setting is <c>UseDevelopmentStorage=true</c> and nothing
/// listens on the Azurite default ports, so a fresh clone runs without a separately started emulator.
/// </summary>
public static class DevelopmentStorage
{
    /// <summary>The Azurite default ports (blob, queue, table).</summary>
    public static readonly IReadOnlyList<int> DefaultPorts = [10000, 10001, 10002];

    /// <summary>Starts an in-memory Azurite when needed.</summary>
    /// <param name="connectionString">The configured connection string, or null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started emulator, or null when none was needed.</returns>
    public static async Task<AzuriteProcess?> StartIfNeededAsync(string? connectionString, CancellationToken cancellationToken = default)
    {
        if (!string.Equals(connectionString?.Trim(), StorageAccount.DevelopmentStorage, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var port in DefaultPorts)
        {
            if (!await IsListeningAsync(port, cancellationToken).ConfigureAwait(false))
            {
                return await AzuriteProcess.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    private static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
