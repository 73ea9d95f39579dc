using Serverless.Pipelines.Tests.Orchestration;

namespace Serverless.Pipelines.Tests.Definitions;

/// <summary>Where a task's jobs go: task connection, else task backend, else the DAG default backend, else (null) the app default.</summary>
public sealed class ConnectionPrecedenceTests
{
    [Theory]
    [InlineData("connection: prod-synapse, backend: livy", "defaults: { backend: databricks }", "prod-synapse")]
    [InlineData("backend: livy", "defaults: { backend: databricks }", "livy")]
    [InlineData("connection: prod-synapse", "defaults: { backend: databricks }", "prod-synapse")]
    [InlineData("retries: 0", "defaults: { backend: databricks }", "databricks")]
    [InlineData("retries: 0", "description: no defaults", null)]
    public void SettingsFor_TaskConnectionBackendAndDefaults_OneRule(string taskFields, string dagFields, string? expected)
    {
        var dag = PipelineTestHost.Dag($$"""
            id: where
            {{dagFields}}
            tasks:
              - { id: t, kind: sql, sql: SELECT 1, outputs: [o], {{taskFields}} }
            """);

        Assert.Equal(expected, dag.SettingsFor(dag.Tasks[0]).Backend);
    }
}
