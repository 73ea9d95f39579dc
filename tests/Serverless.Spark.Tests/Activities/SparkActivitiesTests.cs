using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.DurableTask;
using Serverless.Spark.Activities;
using Serverless.Spark.Backends;
using Serverless.Spark.Backends.Local;
using Serverless.Spark.Hosting;
using Serverless.Spark.Jobs;
using Serverless.Spark.Tests.Support;
using Serverless.Storage.Connection;
using Serverless.Testing;

namespace Serverless.Spark.Tests.Activities;

[Collection(AzuriteCollection.Name)]
public sealed class SparkActivitiesTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SubmitPollCancel_ThroughActivities_FollowTheMonitorPattern()
    {
        StorageAccount account = azurite.CreateAccount();
        await FlightsData.EnsureUploadedAsync(account, azurite.ConnectionString);
        await using ServiceProvider services = BuildServices(account, new Dictionary<string, string?>
        {
            ["Spark:Backend"] = "local",
            ["Spark:Local:MaxConcurrentJobs"] = "2",
            ["Spark:Local:MemoryLimit"] = "1GB",
        });
        var context = new TestActivityContext(nameof(SubmitSparkJob), AzuriteFixture.UniqueName("instance"), 3);
        var spec = new SparkJobSpec("count", SparkJobKind.Sql)
        {
            Inputs = [new SparkJobInput("flights", "data/" + FlightsData.FlightsBlob, SparkDataFormat.Parquet)],
            Sql = "SELECT count(*) AS n FROM flights WHERE distance < 200",
            Outputs = [new SparkJobOutput("n", $"data/tests/{AzuriteFixture.UniqueName("act")}/", SparkDataFormat.Csv)],
        };

        ITaskActivity submit = ActivatorUtilities.CreateInstance<SubmitSparkJob>(services);
        ITaskActivity status = ActivatorUtilities.CreateInstance<GetSparkJobStatus>(services);
        ITaskActivity cancel = ActivatorUtilities.CreateInstance<CancelSparkJob>(services);
        var key = SparkIdempotencyKey.FromActivity(context.InstanceId, 3);
        var handle = (SparkJobHandle)(await submit.RunAsync(context, new SubmitSparkJobInput(spec, key)))!;
        var redelivered = (SparkJobHandle)(await submit.RunAsync(context, new SubmitSparkJobInput(spec, key)))!;
        SparkJobStatus final = await Poll.UntilAsync(
            async () => (SparkJobStatus)(await status.RunAsync(context, handle))!,
            s => s.IsTerminal,
            TimeSpan.FromSeconds(60),
            "the job to finish");
        var afterCancel = (SparkJobStatus)(await cancel.RunAsync(context, handle))!;

        Assert.IsType<LocalSparkBackend>(services.GetRequiredService<ISparkBackend>());
        Assert.Equal(SparkIdempotencyKey.FromActivity(context.InstanceId, 3), handle.IdempotencyKey);
        Assert.Equal(handle, redelivered);
        Assert.Equal(SparkJobState.Succeeded, final.State);
        Assert.Equal(1, final.RowsWritten);
        Assert.Equal(SparkJobState.Succeeded, afterCancel.State);
    }

    [Fact]
    public async Task SubmitSparkJob_InvalidSpec_ThrowsWithEveryError()
    {
        StorageAccount account = azurite.CreateAccount();
        await using ServiceProvider services = BuildServices(account, new Dictionary<string, string?> { ["Spark:Backend"] = "local" });
        var activity = ActivatorUtilities.CreateInstance<SubmitSparkJob>(services);
        var spec = new SparkJobSpec("bad name", SparkJobKind.Sql);

        var error = await Assert.ThrowsAsync<SparkJobValidationException>(
            () => activity.RunAsync(new TestActivityContext("SubmitSparkJob", "i", 1), new SubmitSparkJobInput(spec, "k-invalid")));

        Assert.Equal(3, error.Errors.Count);
    }

    [Fact]
    public void AddSparkJobs_BindsEverySetting()
    {
        StorageAccount account = azurite.CreateAccount();
        using ServiceProvider services = BuildServices(account, new Dictionary<string, string?>
        {
            ["Spark:Backend"] = "livy",
            ["Spark:DataContainer"] = "pipeline-data",
            ["Spark:Local:MaxConcurrentJobs"] = "3",
            ["Spark:Local:MemoryLimit"] = "3GB",
            ["Spark:Local:TempDirectory"] = "/tmp/x",
            ["Spark:Livy:Endpoint"] = "http://livy.example:8998",
            ["Spark:Livy:UserName"] = "admin",
            ["Spark:Livy:Password"] = "pw",
            ["Spark:Synapse:Endpoint"] = "https://ws.dev.azuresynapse.net",
            ["Spark:Synapse:SparkPool"] = "pool1",
            ["Spark:Databricks:WorkspaceUrl"] = "https://adb-1.2.azuredatabricks.net",
            ["Spark:Databricks:Token"] = "dapi-x",
            ["Spark:Databricks:ExistingClusterId"] = "c-1",
            ["Spark:Databricks:Workers"] = "5",
        });

        SparkOptions options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SparkOptions>>().Value;

        Assert.Equal("pipeline-data", options.DataContainer);
        Assert.Equal(3, options.Local.MaxConcurrentJobs);
        Assert.Equal("3GB", options.Local.MemoryLimit);
        Assert.Equal("/tmp/x", options.Local.TempDirectory);
        Assert.Equal(new Uri("http://livy.example:8998"), options.Livy.Endpoint);
        Assert.Equal("admin", options.Livy.UserName);
        Assert.Equal("pool1", options.Synapse.SparkPool);
        Assert.Equal("c-1", options.Databricks.ExistingClusterId);
        Assert.Equal(5, options.Databricks.Workers);
        Assert.Equal("livy", services.GetRequiredService<SparkJobClient>().Backend.Name);
    }

    [Fact]
    public async Task SubmitSparkJob_NamedBackend_RunsThereAndStatusFollowsTheHandle()
    {
        StorageAccount account = azurite.CreateAccount();
        await using ServiceProvider services = BuildServices(account, new Dictionary<string, string?>
        {
            ["Spark:Backend"] = "databricks",
            ["Spark:Databricks:WorkspaceUrl"] = "http://127.0.0.1:9",
            ["Spark:Databricks:Token"] = "dapi-unused",
        });
        var submit = ActivatorUtilities.CreateInstance<SubmitSparkJob>(services);
        var status = ActivatorUtilities.CreateInstance<GetSparkJobStatus>(services);
        var context = new TestActivityContext(nameof(SubmitSparkJob), AzuriteFixture.UniqueName("i"), 1);
        var spec = new SparkJobSpec("one", SparkJobKind.Sql)
        {
            Sql = "SELECT 1 AS one",
            Outputs = [new SparkJobOutput("one", $"data/tests/{AzuriteFixture.UniqueName("named")}/", SparkDataFormat.Csv)],
        };

        SparkJobHandle handle = await submit.RunAsync(context, new SubmitSparkJobInput(spec, "k-local") { Backend = "local" });
        SparkJobStatus final = await Poll.UntilAsync(() => status.RunAsync(context, handle), s => s.IsTerminal, TimeSpan.FromSeconds(60), "the local job");
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(
            () => submit.RunAsync(context, new SubmitSparkJobInput(spec, "k-livy") { Backend = "livy" }));

        Assert.Equal("local", handle.Backend);
        Assert.Equal(SparkJobState.Succeeded, final.State);
        Assert.Equal(1, final.RowsWritten);
        Assert.Contains("Spark:Livy:Endpoint is not set", missing.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider BuildServices(StorageAccount account, Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton(account)
            .AddSparkJobs(configuration)
            .BuildServiceProvider();
    }
}
