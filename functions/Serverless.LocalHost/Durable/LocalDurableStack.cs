using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Serverless.LocalHost.Durable;

/// <summary>
/// Durable Functions' default storage provider (DurableTask.AzureStorage) behind the Durable Task gRPC sidecar, on a
/// loopback port of its own: the local stand-in for the Functions host's Durable extension. The app's worker and
/// client (Microsoft.DurableTask's gRPC ones, as in an isolated Functions app) connect to <see cref="Channel"/>. A task
/// hub made here has the same tables, queues and blobs as one made in Azure.
/// </summary>
public sealed class LocalDurableStack : IAsyncDisposable
{
    /// <summary>How long a restart waits for the app's channel to connect to the restarted sidecar.</summary>
    public static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a restart lets the old sidecar stop gracefully.</summary>
    public static readonly TimeSpan RestartStopTimeout = TimeSpan.FromSeconds(3);

    private readonly AzureStorageOrchestrationServiceSettings settings;
    private readonly ILoggerFactory loggerFactory;
    private readonly SemaphoreSlim restartGate = new(1, 1);
    private WebApplication sidecar;

    private LocalDurableStack(WebApplication sidecar, GrpcChannel channel, string address, AzureStorageOrchestrationServiceSettings settings, ILoggerFactory loggerFactory)
    {
        this.sidecar = sidecar;
        this.Channel = channel;
        this.Address = address;
        this.settings = settings;
        this.loggerFactory = loggerFactory;
    }

    /// <summary>Gets the channel to the sidecar.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>Gets how many instances' streamed histories the sidecar holds (<see cref="LocalSidecarServer"/>), or -1 when it cannot tell.</summary>
    internal int HeldHistories => this.sidecar.Services.GetRequiredService<LocalSidecarServer>().HeldHistories;

    /// <summary>Gets how many histories the sidecar has streamed to the worker.</summary>
    internal int StreamedHistories => this.sidecar.Services.GetRequiredService<LocalSidecarServer>().Streams;

    /// <summary>Gets the sidecar's address.</summary>
    public string Address { get; }

    /// <summary>Builds the provider's settings.</summary>
    /// <param name="connectionString">The storage connection string.</param>
    /// <param name="taskHub">The task hub name.</param>
    /// <param name="options">The durable settings.</param>
    /// <param name="loggerFactory">Logs of the provider.</param>
    /// <param name="policies">Extra pipeline policies for every storage client (request counting).</param>
    /// <returns>The settings.</returns>
    public static AzureStorageOrchestrationServiceSettings CreateSettings(string connectionString, string taskHub, LocalDurableOptions options, ILoggerFactory loggerFactory, params HttpPipelinePolicy[] policies)
    {
        ArgumentNullException.ThrowIfNull(options);
        var blob = new BlobClientOptions();
        var queue = new QueueClientOptions();
        var table = new TableClientOptions();
        foreach (var policy in policies)
        {
            blob.AddPolicy(policy, HttpPipelinePosition.PerCall);
            queue.AddPolicy(policy, HttpPipelinePosition.PerCall);
            table.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        return new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(connectionString, blob),
                StorageServiceClientProvider.ForQueue(connectionString, queue),
                StorageServiceClientProvider.ForTable(connectionString, table)),
            PartitionCount = options.PartitionCount,
            ControlQueueBatchSize = options.ControlQueueBatchSize,
            ControlQueueVisibilityTimeout = options.VisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.VisibilityTimeout,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,
            ExtendedSessionsEnabled = options.ExtendedSessions,
            WorkerId = string.IsNullOrEmpty(options.WorkerId) ? Environment.MachineName : options.WorkerId,
            LoggerFactory = loggerFactory,
        };
    }

    /// <summary>Creates the task hub if needed and starts the sidecar.</summary>
    /// <param name="settings">The provider's settings.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running stack.</returns>
    public static async Task<LocalDurableStack> StartAsync(AzureStorageOrchestrationServiceSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var sidecar = await StartSidecarAsync(settings, loggerFactory, port: 0, cancellationToken).ConfigureAwait(false);
        var address = sidecar.Urls.First();
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        return new LocalDurableStack(sidecar, channel, address, settings, loggerFactory);
    }

    /// <summary>
    /// Starts the provider and the sidecar again on the same address, so the worker and client reconnect by
    /// themselves. For storage that lost the task hub (an emulator restarted empty): a new provider creates the
    /// task hub's tables, queues, containers and leases again, which a running one never does. Returns once the
    /// channel is connected again.
    /// </summary>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task.</returns>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await this.restartGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The worker's open work-item stream keeps a graceful stop waiting for the host's whole shutdown timeout
            // (30 s); storage lost the task hub, so nothing in flight can finish anyway.
            using (var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                stopping.CancelAfter(RestartStopTimeout);
                try
                {
                    await this.sidecar.StopAsync(stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Stopped ungracefully at the bound: what is left is dropped with the old provider.
                }
            }

            await this.sidecar.DisposeAsync().ConfigureAwait(false);
            var port = new Uri(this.Address).Port;
            this.sidecar = await StartSidecarAsync(this.settings, this.loggerFactory, port, cancellationToken).ConfigureAwait(false);

            // While the sidecar was down, every reconnect of the worker failed, so the channel sits in a connect
            // backoff that grows to many seconds, failing each client call fast ("Error connecting to subchannel")
            // although the sidecar is back. Asking it to connect cuts the backoff short; the restart is over only
            // when a client call would get through.
            using var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            ready.CancelAfter(ReconnectTimeout);
            try
            {
                await this.Channel.ConnectAsync(ready.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The durable client did not reconnect to the restarted sidecar within {ReconnectTimeout.TotalSeconds:0} s.");
            }
        }
        finally
        {
            this.restartGate.Release();
        }
    }

    private static async Task<WebApplication> StartSidecarAsync(AzureStorageOrchestrationServiceSettings settings, ILoggerFactory loggerFactory, int port, CancellationToken cancellationToken)
    {
        var provider = new AzureStorageOrchestrationService(settings);
        await provider.CreateIfNotExistsAsync().ConfigureAwait(false);
        var service = new SidecarOrchestrationService(provider);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 64 * 1024 * 1024);
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<LocalSidecarServer>();
        var app = builder.Build();
        app.MapGrpcService<LocalSidecarServer>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await this.Channel.ShutdownAsync().ConfigureAwait(false);
        this.Channel.Dispose();
        await this.sidecar.StopAsync().ConfigureAwait(false);
        await this.sidecar.DisposeAsync().ConfigureAwait(false);
        this.restartGate.Dispose();
    }
}
