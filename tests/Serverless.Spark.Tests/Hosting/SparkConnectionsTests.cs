using Microsoft.Extensions.Configuration;
using Serverless.Spark.Backends;
using Serverless.Spark.Hosting;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Tests.Hosting;

/// <summary>Named Spark connections: settings over the app's, and handles that route back through the connection.</summary>
public sealed class SparkConnectionsTests
{
    private static SparkConnections Connections(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new SparkConnections(configuration.GetSection(SparkConnections.SectionName), o => configuration.GetSection(SparkOptions.SectionName).Bind(o));
    }

    [Fact]
    public void TryFind_ConnectionSettings_OverrideTheAppsForThatBackendOnly()
    {
        var connections = Connections(new()
        {
            ["Spark:Synapse:Endpoint"] = "https://app.dev.azuresynapse.net",
            ["Spark:Synapse:SparkPool"] = "apppool",
            ["Serverless:Connections:prod-synapse:Backend"] = "Synapse",
            ["Serverless:Connections:prod-synapse:SparkPool"] = "prodpool",
        });

        Assert.True(connections.TryFind("prod-synapse", out var backend, out var options));

        Assert.Equal(SparkBackendNames.Synapse, backend);
        Assert.Equal("prodpool", options.Synapse.SparkPool);
        Assert.Equal(new Uri("https://app.dev.azuresynapse.net"), options.Synapse.Endpoint);
        Assert.False(connections.TryFind("other", out _, out _));
    }

    [Fact]
    public void TryFind_NoBackend_ThrowsNamingTheSetting()
    {
        var connections = Connections(new() { ["Serverless:Connections:half:SparkPool"] = "p" });

        var error = Assert.Throws<InvalidOperationException>(() => connections.TryFind("half", out _, out _));

        Assert.Contains("Serverless__Connections__half__Backend", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionBackend_Handles_CarryTheConnectionAndReachTheInnerBackend()
    {
        var inner = new RecordingBackend();
        var connection = new SparkConnectionBackend("prod-livy", inner);

        var handle = await connection.StartJobAsync(new SparkJobSpec("j", SparkJobKind.Sql) { Sql = "SELECT 1" }, "key-1");
        var status = await connection.GetStatusAsync(handle);

        Assert.Equal("prod-livy", handle.Backend);
        Assert.Equal("inner", inner.LastHandle!.Backend);
        Assert.Equal(SparkJobState.Succeeded, status.State);
    }

    private sealed class RecordingBackend : ISparkBackend
    {
        public SparkJobHandle? LastHandle { get; private set; }

        public string Name => "inner";

        public IReadOnlyCollection<SparkJobKind> SupportedKinds { get; } = [SparkJobKind.Sql];

        public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SparkJobHandle(Name, "job-1", idempotencyKey));

        public Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
        {
            LastHandle = handle;
            return Task.FromResult(new SparkJobStatus(handle.JobId, SparkJobState.Succeeded));
        }

        public Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SparkJobStatus(handle.JobId, SparkJobState.Cancelled));
    }
}
