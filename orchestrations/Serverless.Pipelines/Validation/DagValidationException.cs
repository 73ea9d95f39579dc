namespace Serverless.Pipelines.Validation;

/// <summary>Thrown when a DAG or the parameters of a run have problems; carries all of them.</summary>
public sealed class DagValidationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DagValidationException"/> class.</summary>
    /// <param name="problems">The problems.</param>
    public DagValidationException(IReadOnlyList<DagProblem> problems)
        : base(Describe(problems)) => Problems = problems;

    /// <summary>Initializes a new instance of the <see cref="DagValidationException"/> class.</summary>
    public DagValidationException()
        : this([])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DagValidationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public DagValidationException(string message)
        : base(message) => Problems = [];

    /// <summary>Initializes a new instance of the <see cref="DagValidationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DagValidationException(string message, Exception innerException)
        : base(message, innerException) => Problems = [];

    /// <summary>Gets the problems.</summary>
    public IReadOnlyList<DagProblem> Problems { get; }

    private static string Describe(IReadOnlyList<DagProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count switch
        {
            0 => "The DAG is invalid.",
            1 => "The DAG has 1 problem: " + problems[0],
            _ => $"The DAG has {problems.Count} problems:{Environment.NewLine}" + string.Join(Environment.NewLine, problems),
        };
    }
}
