using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>Template variables on the real local stack: public ones render, secret ones reach the job and nothing else.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SecretVariableRunTests(AzuriteFixture azurite)
{
    private const string Password = "hunter2s3cr3t";
    private const string ListedSecret = "opensesame42";

    [Fact]
    public async Task Run_SecretVariables_ReachTheJobButNotTheManifestRunStatusOrLog()
    {
        var dag = PipelineTestHost.Dag("""
            id: secrets
            tasks:
              - id: load
                kind: sql
                sql: SELECT '{{ var.value.region }}' AS region, '{{ var.value.db_password }}' AS pw, '{{ var.value.warehouse_key }}' AS wk, '{{ var.json.limits.max }}' AS max_rows
                outputs: [rows]
                values: { pw: SELECT max(pw) FROM rows, region: SELECT max(region) FROM rows }
              - id: leak
                kind: sql
                inputs: [{ name: src, from: load.rows }]
                sql: SELECT {{ var.value.db_password }} AS bad FROM src
                outputs: [rows]
            """);
        var log = new CollectingLoggerProvider();
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], services: s =>
        {
            s.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
            s.AddSingleton<ILoggerProvider>(log);
            s.Configure<TemplateVariableOptions>(o =>
            {
                o.Variables["region"] = "eu-west";
                o.Variables["limits"] = """{ "max": 250 }""";
                o.Variables["db_password"] = Password; // secret by its name, as Airflow's sensitive names
                o.Variables["warehouse_key"] = ListedSecret;
                o.SecretVariables = "warehouse_key";
            });
        });

        var run = await host.RunAsync("secrets");

        // The job saw the real values: they are in its output data.
        var load = run.Tasks.Single(t => t.Id == "load");
        Assert.Equal(TaskInstanceState.Success, load.State);
        var row = Assert.Single(await host.ReadRowsAsync(load.Outputs["rows"]));
        Assert.Equal("eu-west", row["region"]);
        Assert.Equal(Password, row["pw"]);
        Assert.Equal(ListedSecret, row["wk"]);
        Assert.Equal("250", row["max_rows"]);

        // A published value that is a secret is masked; a public one is not.
        Assert.Equal("***", load.Values!["pw"]!.GetValue<string>());
        Assert.Equal("eu-west", load.Values["region"]!.GetValue<string>());

        // The failing task's engine error quotes the secret; what is kept shows *** instead.
        var leak = run.Tasks.Single(t => t.Id == "leak");
        Assert.Equal(TaskInstanceState.Failed, leak.State);
        Assert.Contains("***", leak.Error, StringComparison.Ordinal);

        var manifest = (await host.ReadManifestAsync("secrets", run.RunId)).ToJsonString();
        var runJson = JsonSerializer.Serialize(run);
        var instance = await host.Client.GetInstanceAsync(run.RunId, getInputsAndOutputs: true);
        var stored = string.Join("\n", instance!.SerializedInput, instance.SerializedOutput, instance.SerializedCustomStatus);
        // Attempt logs (…/attempt-N.log) show the rendered SQL with *** where the secrets were.
        var container = host.Account.Blobs.GetBlobContainerClient(host.DataContainer);
        var attemptLogs = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "secrets/" + run.RunId + "/", default))
        {
            if (blob.Name.EndsWith(".log", StringComparison.Ordinal))
            {
                attemptLogs.Add((await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
            }
        }

        Assert.NotEmpty(attemptLogs);
        Assert.Contains(attemptLogs, text => text.Contains("'***' AS pw", StringComparison.Ordinal));
        foreach (var secret in new[] { Password, ListedSecret })
        {
            Assert.DoesNotContain(attemptLogs, text => text.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, manifest, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, runJson, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(log.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }

        Assert.Contains(log.Lines, line => line.Contains("***", StringComparison.Ordinal)); // the backend logged the failure, masked
    }

    private sealed class CollectingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Queue { get; } = new();

        public IReadOnlyList<string> Lines => [.. Queue];

        public ILogger CreateLogger(string categoryName) => new Collector(this);

        public void Dispose()
        {
        }

        private sealed class Collector(CollectingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Queue.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : "\n" + exception));
        }
    }
}
