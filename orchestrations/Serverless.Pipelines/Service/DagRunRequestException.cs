namespace Serverless.Pipelines.Service;

/// <summary>Thrown when a request is invalid (HTTP 400); carries every problem found.</summary>
public sealed class DagRunRequestException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DagRunRequestException"/> class.</summary>
    public DagRunRequestException()
        : this("The request is invalid.", [])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DagRunRequestException"/> class.</summary>
    /// <param name="message">The message.</param>
    public DagRunRequestException(string message)
        : this(message, [message])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DagRunRequestException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DagRunRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        this.Problems = [message];
    }

    /// <summary>Initializes a new instance of the <see cref="DagRunRequestException"/> class.</summary>
    /// <param name="message">A summary.</param>
    /// <param name="problems">Every problem, each a sentence the user can act on.</param>
    public DagRunRequestException(string message, IReadOnlyList<string> problems)
        : base(message)
    {
        this.Problems = problems;
    }

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<string> Problems { get; }
}
