using Azure.Core.Pipeline;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Serverless.Functions.Functions;
using Serverless.Functions.Hosting;
using Serverless.LocalHost.Durable;
using Serverless.LocalHost.Functions;
using Serverless.Pipelines.Service;

namespace Serverless.LocalHost;

/// <summary>
/// The local host: the Functions app's services, function methods, orchestrators and activities, on
/// DurableTask.AzureStorage through the Durable Task gRPC sidecar, serving the same routes as in Azure. One process;
/// <see cref="DisposeAsync"/> stops the web server, the worker and the sidecar.
/// </summary>
public sealed class LocalHostApp : IAsyncDisposable
{
    /// <summary>The address when none is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    private readonly LocalDurableStack durable;
    private readonly ILoggerFactory durableLogs;

    private LocalHostApp(WebApplication app, LocalDurableStack durable, ILoggerFactory durableLogs)
    {
        this.App = app;
        this.durable = durable;
        this.durableLogs = durableLogs;
    }

    /// <summary>Gets the web application.</summary>
    public WebApplication App { get; }

    /// <summary>Gets the address the API listens on.</summary>
    public Uri BaseAddress => new(this.App.Urls.First());

    /// <summary>Builds and starts the host.</summary>
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--urls</c>).</param>
    /// <param name="settings">Settings that override every other source (tests, the started emulator).</param>
    /// <param name="configureServices">Extra service registrations, applied last (tests, benchmarks).</param>
    /// <param name="storagePolicies">Pipeline policies for the durable provider's storage clients (request counting in benchmarks).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started host.</returns>
    public static async Task<LocalHostApp> StartAsync(
        string[] args,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        IReadOnlyList<HttpPipelinePolicy>? storagePolicies = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var configuration = builder.Configuration;
        var local = LocalSettingsFile.Read(Path.Combine(Directory.GetCurrentDirectory(), LocalSettingsFile.FileName));
        if (local.Count > 0)
        {
            // Lowest priority: before the environment variables and the command line.
            configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = local });
        }

        if (settings is not null)
        {
            configuration.AddInMemoryCollection(settings);
        }

        if (string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("DurableTask", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.DurableTask", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);

        var serverless = configuration.GetSection(ServerlessOptions.SectionName).Get<ServerlessOptions>() ?? new ServerlessOptions();
        var durableOptions = configuration.GetSection(LocalDurableOptions.SectionName).Get<LocalDurableOptions>() ?? new LocalDurableOptions();
        var connectionString = StorageSettings.ConnectionString(configuration)
            ?? throw new InvalidOperationException("The local host needs AzureWebJobsStorage as a connection string (UseDevelopmentStorage=true for Azurite).");

        // The provider and the sidecar start before the app (the worker needs their channel), so they log through a
        // factory of their own: warnings and errors only, as the Functions host's default for DurableTask.*.
        var loggerFactory = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var durableSettings = LocalDurableStack.CreateSettings(connectionString, serverless.TaskHub, durableOptions, loggerFactory, [.. storagePolicies ?? []]);
        var durable = await LocalDurableStack.StartAsync(durableSettings, loggerFactory, cancellationToken).ConfigureAwait(false);

        var services = builder.Services;
        AppServices.Add(services, configuration, useBundledDags: true);
        services.AddSingleton(FunctionMethod.Discover(typeof(RunFunctions).Assembly));
        services.AddHostedService<TimerFunctionRunner>();
        services.AddHostedService<SampleDataUpload>();
        services.AddSingleton(durable);
        services.AddHostedService<TaskHubWatchdog>();
        services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc(durable.Channel);
            b.Configure(o =>
            {
                o.Concurrency.MaximumConcurrentActivityWorkItems = durableOptions.MaxConcurrentActivities;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = durableOptions.MaxConcurrentOrchestrations;
            });
            b.AddTasks(r => r.AddPipelineTasks());
        });
        services.AddDurableTaskClient(b => b.UseGrpc(durable.Channel));
        configureServices?.Invoke(services);

        var app = builder.Build();
        HttpFunctionRoutes.Map(app, app.Services.GetRequiredService<IReadOnlyList<FunctionMethod>>());
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new LocalHostApp(app, durable, loggerFactory);
    }

    /// <summary>Waits until the host is asked to stop (Ctrl+C, SIGTERM).</summary>
    /// <returns>A task.</returns>
    public Task WaitForShutdownAsync() => this.App.WaitForShutdownAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await this.App.StopAsync().ConfigureAwait(false);
        await this.App.DisposeAsync().ConfigureAwait(false);
        await this.durable.DisposeAsync().ConfigureAwait(false);
        this.durableLogs.Dispose();
    }
}
