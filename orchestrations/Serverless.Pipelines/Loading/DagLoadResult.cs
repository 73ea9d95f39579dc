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

    /// <summary>
    /// Gets what is worth knowing but does not stop the DAG from loading, such as a task kind the configured backend
    /// cannot run here. The default is none.
    /// </summary>
    public IReadOnlyList<DagProblem> Warnings { get; init; } = [];

    /// <summary>
    /// Gets the last valid version of this file, kept serving its schedule and manual triggers while the file as it is
    /// now has problems (a hot reload of a broken edit); <see langword="null"/> when the file is valid or never was.
    /// </summary>
    public DagDefinition? PreviousVersion { get; init; }

    /// <summary>Gets where each field was written, for checks made after loading (<see cref="DagPoolCheck"/>); <see langword="null"/> when the file could not be read or the DAG was built in code.</summary>
    public DagSourceMap? SourceMap { get; init; }

    /// <summary>Gets the version that runs: the file's DAG when it is valid, otherwise <see cref="PreviousVersion"/>.</summary>
    public DagDefinition? ActiveDag => IsValid ? Dag : PreviousVersion;
}
