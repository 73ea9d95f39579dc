using Serverless.Pipelines.Definitions;

namespace Serverless.Cli.Commands;

/// <summary>What a test run executes on its scratch host.</summary>
/// <param name="Dag">The DAG, cut to what the test needs.</param>
/// <param name="Seed">Puts data into the scratch host's storage after it started and before the run (upstream outputs of an earlier run); null for none.</param>
public sealed record ScratchPlan(DagDefinition Dag, Func<HostSession, CancellationToken, Task>? Seed = null);
