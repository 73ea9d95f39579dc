using Serverless.Benchmarks.Dag;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>
/// <c>./bench.sh dag [SHAPE…] [--scale F] [--delay-ms N]</c>: DAG runs at scale (issue 17) — hop latency with push
/// and with poll on chain-50 and wide-200, throughput of layers-50x100 and map-10000, 200 runs of a 5-task DAG —
/// each against a plain orchestration of no-op activities in the same run. See <see cref="DagBenchmark"/>.
/// </summary>
internal sealed class DagScenario : IBenchmarkScenario
{
    /// <inheritdoc/>
    public string Name => "dag";

    /// <inheritdoc/>
    public string Description => "DAG runs at scale: hop latency (push, poll), layers-50x100, map-10000, runs-200x5; options: SHAPE… --scale F --delay-ms N";

    /// <inheritdoc/>
    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        await using var benchmark = await DagBenchmark.StartAsync(context.ConnectionString, DagBenchOptions.Parse(context.Args), BenchmarkContext.Emit, cancellationToken);
        await benchmark.RunAsync(cancellationToken);
    }
}
