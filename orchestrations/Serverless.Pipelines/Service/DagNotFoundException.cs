namespace Serverless.Pipelines.Service;

/// <summary>Thrown when a DAG id is unknown (HTTP 404).</summary>
public sealed class DagNotFoundException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DagNotFoundException"/> class.</summary>
    public DagNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DagNotFoundException"/> class.</summary>
    /// <param name="message">A message the user can act on.</param>
    public DagNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DagNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DagNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
