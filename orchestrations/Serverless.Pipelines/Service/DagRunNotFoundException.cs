namespace Serverless.Pipelines.Service;

/// <summary>Thrown when a run id is unknown (HTTP 404).</summary>
public sealed class DagRunNotFoundException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DagRunNotFoundException"/> class.</summary>
    public DagRunNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DagRunNotFoundException"/> class.</summary>
    /// <param name="message">A message the user can act on.</param>
    public DagRunNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DagRunNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DagRunNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
