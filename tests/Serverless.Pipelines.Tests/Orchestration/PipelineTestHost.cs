using System.Globalization;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.LocalHost.Durable;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Service;
using Serverless.Spark.Backends;
using Serverless.Spark.Hosting;
using Serverless.Storage.Connection;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>The durable engine, the Spark layer (a test double or the local DuckDB backend) and the DAG layer on one task hub and data container in the test Azurite.</summary>
internal sealed class PipelineTestHost : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly LocalDurableStack durable;
    private readonly List<IHostedService> hosted;

    private PipelineTestHost(ServiceProvider services, LocalDurableStack durable, string dataContainer, string taskHub)
    {
        TaskHub = taskHub;
        this.services = services;
        this.durable = durable;
        DataContainer = dataContainer;
        Account = services.GetRequiredService<StorageAccount>();
        Client = services.GetRequiredService<DurableTaskClient>();
        hosted = services.GetServices<IHostedService>().ToList();
        Runs = services.GetRequiredService<IDagRunServiceFactory>().Create(Client);
    }

    public string DataContainer { get; }

    /// <summary>Gets the task hub's name, which names its history table (<c>{hub}History</c>).</summary>
    public string TaskHub { get; }

    public StorageAccount Account { get; }

    public DurableTaskClient Client { get; }

    /// <summary>Gets the durable stack the host runs on.</summary>
    internal LocalDurableStack Durable => this.durable;

    public IDagRunService Runs { get; }

    public T Service<T>()
        where T : notnull => this.services.GetRequiredService<T>();

    public Serverless.Pipelines.Runs.Index.RunIndexStore RunIndex => this.services.GetRequiredService<Serverless.Pipelines.Runs.Index.RunIndexStore>();

    public static DagDefinition Dag(string yaml)
    {
        var loaded = DagFileLoader.Load(yaml, "test.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems));
        return loaded.Dag!;
    }

    public static async Task<PipelineTestHost> StartAsync(AzuriteFixture azurite, IEnumerable<DagDefinition> dags, ISparkBackend? backend = null, Action<PipelineOptions>? configure = null, string? dataContainer = null, Action<IServiceCollection>? services = null)
    {
        dataContainer ??= AzuriteFixture.UniqueName("data");
        var collection = new ServiceCollection();
        var account = azurite.CreateAccount();
        collection.AddSingleton(account);
        // The real stack: DurableTask.AzureStorage on Azurite behind the gRPC sidecar, as the local host runs it.
        var durableOptions = new LocalDurableOptions { PartitionCount = 1, MaxQueuePollingInterval = TimeSpan.FromMilliseconds(100) };
        var taskHub = AzuriteFixture.UniqueName("hub");
        var settings = LocalDurableStack.CreateSettings(azurite.ConnectionString, taskHub, durableOptions, NullLoggerFactory.Instance);
        var durable = await LocalDurableStack.StartAsync(settings, NullLoggerFactory.Instance);
        collection.AddLogging();
        collection.AddDurableTaskWorker(b =>
        {
            b.UseGrpc(durable.Channel);
            b.AddTasks(r => r.AddPipelineTasks());
        });
        collection.AddDurableTaskClient(b => b.UseGrpc(durable.Channel));
        if (backend is not null)
        {
            collection.AddSingleton(backend);
        }

        collection.AddSparkJobs(o =>
        {
            o.DataContainer = dataContainer;
            o.Local.MaxConcurrentJobs = 2;
        });
        collection.AddPipelines(o =>
        {
            o.ReadDagContainer = false;

            // Each host its own runs index, as each Functions app has one per task hub.
            o.RunIndexTable = AzuriteFixture.UniqueName("runs");
            foreach (var dag in dags)
            {
                o.Dags.Add(dag);
            }

            configure?.Invoke(o);
        });
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider();
        await account.Blobs.GetBlobContainerClient(dataContainer).CreateIfNotExistsAsync();
        var host = new PipelineTestHost(provider, durable, dataContainer, taskHub);
        foreach (var service in host.hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        return host;
    }

    public async Task<DagRunInfo> WaitAsync(string runId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await Client.WaitForInstanceCompletionAsync(runId, false, cts.Token);
        return (await Runs.GetRunAsync(runId))!;
    }

    public async Task<DagRunInfo> RunAsync(string dagId, DagRunTrigger? trigger = null, TimeSpan? timeout = null)
    {
        var started = await Runs.TriggerAsync(dagId, trigger ?? new DagRunTrigger());
        Assert.True(started.Created);
        return await WaitAsync(started.RunId, timeout);
    }

    /// <summary>Reads every row of an output folder with DuckDB, straight from the downloaded blobs.</summary>
    public async Task<List<Dictionary<string, object?>>> ReadRowsAsync(string location, string format = "parquet", string orderBy = "1")
    {
        var slash = location.IndexOf('/', StringComparison.Ordinal);
        var container = Account.Blobs.GetBlobContainerClient(location[..slash]);
        var folder = Directory.CreateTempSubdirectory("pipeline-test-").FullName;
        try
        {
            var files = 0;
            await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, location[(slash + 1)..], default))
            {
                if (blob.Name.EndsWith("." + format, StringComparison.Ordinal))
                {
                    await container.GetBlobClient(blob.Name).DownloadToAsync(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"p{files++}.{format}")));
                }
            }

            Assert.True(files > 0, "no ." + format + " blobs under " + location);
            var source = format == "json" ? $"read_json_auto('{folder}/*.json')" : $"read_parquet('{folder}/*.parquet')";
            return Query($"SELECT * FROM {source} ORDER BY {orderBy}");
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>Runs SQL in a fresh DuckDB, for values computed independently of the code under test.</summary>
    public static List<Dictionary<string, object?>> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public async Task<JsonObject> ReadManifestAsync(string dagId, string runId)
    {
        var blob = Account.Blobs.GetBlobContainerClient(DataContainer).GetBlobClient($"{dagId}/{runId}/_manifest.json");
        var content = await blob.DownloadContentAsync();
        return JsonNode.Parse(content.Value.Content.ToString())!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        await services.DisposeAsync();
        await durable.DisposeAsync();
    }
}
