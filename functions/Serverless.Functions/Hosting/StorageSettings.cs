using Azure.Core;
using Azure.Identity;
using Serverless.Storage.Connection;

namespace Serverless.Functions.Hosting;

/// <summary>Reads the storage account from the Functions settings: <c>AzureWebJobsStorage</c> or its identity-based form.</summary>
public static class StorageSettings
{
    /// <summary>The setting name, as the Functions host uses it.</summary>
    public const string SettingName = "AzureWebJobsStorage";

    /// <summary>Gets the connection string setting, or null when the identity-based form is used.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The connection string or null.</returns>
    public static string? ConnectionString(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[SettingName];
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>Creates the account: from the connection string, else from <c>AzureWebJobsStorage__blobServiceUri</c> (and queue/table) with managed identity.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The account.</returns>
    /// <exception cref="InvalidOperationException">Neither form is configured.</exception>
    public static StorageAccount CreateAccount(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (ConnectionString(configuration) is { } connectionString)
        {
            return StorageAccount.FromConnectionString(connectionString);
        }

        var section = configuration.GetSection(SettingName);
        var blob = section["blobServiceUri"];
        var queue = section["queueServiceUri"];
        var table = section["tableServiceUri"];
        if (string.IsNullOrWhiteSpace(blob) || string.IsNullOrWhiteSpace(queue) || string.IsNullOrWhiteSpace(table))
        {
            throw new InvalidOperationException(
                "Storage is not configured: set AzureWebJobsStorage to a connection string (locally UseDevelopmentStorage=true), " +
                "or set AzureWebJobsStorage__blobServiceUri, AzureWebJobsStorage__queueServiceUri and AzureWebJobsStorage__tableServiceUri " +
                "with AzureWebJobsStorage__credential=managedidentity.");
        }

        return StorageAccount.FromServiceUris(new Uri(blob), new Uri(queue), new Uri(table), Credential(section));
    }

    private static TokenCredential Credential(IConfigurationSection section)
    {
        var clientId = section["clientId"];
        if (string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return string.IsNullOrWhiteSpace(clientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId });
    }
}
