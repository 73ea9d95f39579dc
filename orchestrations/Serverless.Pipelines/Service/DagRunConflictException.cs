namespace Serverless.Pipelines.Service;

/// <summary>Thrown when a run id exists for another DAG, or an operation does not fit the run's state (HTTP 409).</summary>
public sealed class DagRunConflictException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DagRunConflictException"/> class.</summary>
    public DagRunConflictException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DagRunConflictException"/> class.</summary>
    /// <param name="message">A message the user can act on.</param>
    public DagRunConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DagRunConflictException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DagRunConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
