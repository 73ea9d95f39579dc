using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Serverless.Storage.Diagnostics;

namespace Serverless.Storage.Connection;

/// <summary>
/// One Azure Storage account, reached either by a connection string or by service URIs and a
/// <see cref="TokenCredential"/> (managed identity in Azure). Creates the SDK service clients
/// with the same retry and pipeline settings for blobs, queues and tables.
/// </summary>
/// <remarks>Instances are immutable and thread-safe; the service clients they hand out are cached.</remarks>
public sealed class StorageAccount
{
    private readonly string? connectionString;
    private readonly TokenCredential? credential;
    private readonly Uri? blobUri;
    private readonly Uri? queueUri;
    private readonly Uri? tableUri;
    private readonly IReadOnlyList<HttpPipelinePolicy> policies;
    private readonly Lazy<BlobServiceClient> blobs;
    private readonly Lazy<QueueServiceClient> queues;
    private readonly Lazy<TableServiceClient> tables;

    private StorageAccount(
        string? connectionString,
        TokenCredential? credential,
        Uri? blobUri,
        Uri? queueUri,
        Uri? tableUri,
        IReadOnlyList<HttpPipelinePolicy> policies)
    {
        this.connectionString = connectionString;
        this.credential = credential;
        this.blobUri = blobUri;
        this.queueUri = queueUri;
        this.tableUri = tableUri;
        this.policies = policies;
        this.blobs = new Lazy<BlobServiceClient>(this.CreateBlobServiceClient);
        this.queues = new Lazy<QueueServiceClient>(this.CreateQueueServiceClient);
        this.tables = new Lazy<TableServiceClient>(this.CreateTableServiceClient);
    }

    /// <summary>Gets the connection string the Azurite emulator answers on its default ports.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>Gets the account name (from the connection string or the blob service URI).</summary>
    public string AccountName => this.Blobs.AccountName;

    /// <summary>Gets the blob service client.</summary>
    public BlobServiceClient Blobs => this.blobs.Value;

    /// <summary>Gets the queue service client.</summary>
    public QueueServiceClient Queues => this.queues.Value;

    /// <summary>Gets the table service client.</summary>
    public TableServiceClient Tables => this.tables.Value;

    /// <summary>Gets a value indicating whether the account is reached with a shared key (connection string).</summary>
    public bool UsesSharedKey => this.connectionString is not null;

    /// <summary>Creates an account reached by a connection string.</summary>
    /// <param name="connectionString">An Azure Storage connection string, or <c>UseDevelopmentStorage=true</c>.</param>
    /// <param name="policies">Extra pipeline policies added to every client, for example a request counter.</param>
    /// <returns>The account.</returns>
    public static StorageAccount FromConnectionString(string connectionString, params HttpPipelinePolicy[] policies)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new StorageAccount(connectionString, null, null, null, null, policies);
    }

    /// <summary>Creates an account reached by its service URIs with a token credential (managed identity).</summary>
    /// <param name="blobServiceUri">For example <c>https://{account}.blob.core.windows.net</c>.</param>
    /// <param name="queueServiceUri">For example <c>https://{account}.queue.core.windows.net</c>.</param>
    /// <param name="tableServiceUri">For example <c>https://{account}.table.core.windows.net</c>.</param>
    /// <param name="credential">The credential, usually <c>DefaultAzureCredential</c> or <c>ManagedIdentityCredential</c>.</param>
    /// <param name="policies">Extra pipeline policies added to every client.</param>
    /// <returns>The account.</returns>
    public static StorageAccount FromServiceUris(
        Uri blobServiceUri,
        Uri queueServiceUri,
        Uri tableServiceUri,
        TokenCredential credential,
        params HttpPipelinePolicy[] policies)
    {
        ArgumentNullException.ThrowIfNull(blobServiceUri);
        ArgumentNullException.ThrowIfNull(queueServiceUri);
        ArgumentNullException.ThrowIfNull(tableServiceUri);
        ArgumentNullException.ThrowIfNull(credential);
        return new StorageAccount(null, credential, blobServiceUri, queueServiceUri, tableServiceUri, policies);
    }

    /// <summary>Creates an account for an account name with the standard public-cloud endpoints.</summary>
    /// <param name="accountName">The storage account name.</param>
    /// <param name="credential">The token credential.</param>
    /// <param name="policies">Extra pipeline policies added to every client.</param>
    /// <returns>The account.</returns>
    public static StorageAccount FromAccountName(string accountName, TokenCredential credential, params HttpPipelinePolicy[] policies)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        return FromServiceUris(
            new Uri($"https://{accountName}.blob.core.windows.net"),
            new Uri($"https://{accountName}.queue.core.windows.net"),
            new Uri($"https://{accountName}.table.core.windows.net"),
            credential,
            policies);
    }

    /// <summary>Returns a copy of this account whose clients also run the given pipeline policies.</summary>
    /// <param name="extraPolicies">The policies to add.</param>
    /// <returns>A new account.</returns>
    public StorageAccount WithPolicies(params HttpPipelinePolicy[] extraPolicies) =>
        new(this.connectionString, this.credential, this.blobUri, this.queueUri, this.tableUri, [.. this.policies, .. extraPolicies]);

    private BlobServiceClient CreateBlobServiceClient()
    {
        var options = new BlobClientOptions();
        this.Configure(options, "blob");
        return this.connectionString is not null
            ? new BlobServiceClient(this.connectionString, options)
            : new BlobServiceClient(this.blobUri, this.credential, options);
    }

    private QueueServiceClient CreateQueueServiceClient()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        this.Configure(options, "queue");
        return this.connectionString is not null
            ? new QueueServiceClient(this.connectionString, options)
            : new QueueServiceClient(this.queueUri, this.credential, options);
    }

    private TableServiceClient CreateTableServiceClient()
    {
        var options = new TableClientOptions();
        this.Configure(options, "table");
        return this.connectionString is not null
            ? new TableServiceClient(this.connectionString, options)
            : new TableServiceClient(this.tableUri, this.credential, options);
    }

    private void Configure(ClientOptions options, string service)
    {
        options.AddPolicy(new StorageServiceTagPolicy(service), HttpPipelinePosition.PerCall);
        // The engine has its own retry loops (queues redeliver, episodes replay), so SDK retries stay
        // short: a stuck request should surface quickly rather than hold a lease.
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        options.Diagnostics.IsLoggingContentEnabled = false;
        foreach (HttpPipelinePolicy policy in this.policies)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }
    }
}
