using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Validation;

namespace Serverless.Pipelines.Loading;

/// <summary>The outcome of loading one DAG file: the model (when the file could be read at all) and every problem found.</summary>
/// <param name="FileName">The file or blob name.</param>
/// <param name="Dag">The model, or <see langword="null"/> when the file is not a readable document.</param>
/// <param name="Problems">Every shape and validation problem, in file order where lines are known.</param>
public sealed record DagLoadResult(string FileName, DagDefinition? Dag, IReadOnlyList<DagProblem> Problems)
{
    /// <summary>Gets a value indicating whether the DAG loaded without problems and can run.</summary>
    public bool IsValid => Dag is not null && Problems.Count == 0;
}
