namespace Serverless.Functions.Api;

/// <summary>A request the API refuses, turned into an RFC 9457 problem response by <see cref="ProblemResponses"/>.</summary>
public sealed class ApiProblemException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ApiProblemException"/> class.</summary>
    public ApiProblemException()
        : this(StatusCodes.Status400BadRequest, "Bad request", "The request is invalid.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ApiProblemException"/> class.</summary>
    /// <param name="message">The detail.</param>
    public ApiProblemException(string message)
        : this(StatusCodes.Status400BadRequest, "Bad request", message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ApiProblemException"/> class.</summary>
    /// <param name="message">The detail.</param>
    /// <param name="innerException">The cause.</param>
    public ApiProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        this.Status = StatusCodes.Status400BadRequest;
        this.Title = "Bad request";
    }

    /// <summary>Initializes a new instance of the <see cref="ApiProblemException"/> class.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="title">A short, fixed summary of the problem type.</param>
    /// <param name="detail">What went wrong and what to do about it.</param>
    /// <param name="extensions">Extra members, for example every problem of a DAG file.</param>
    public ApiProblemException(int status, string title, string detail, IDictionary<string, object?>? extensions = null)
        : base(detail)
    {
        this.Status = status;
        this.Title = title;
        this.Extensions = extensions;
    }

    /// <summary>Gets the HTTP status.</summary>
    public int Status { get; }

    /// <summary>Gets the problem title.</summary>
    public string Title { get; }

    /// <summary>Gets the extension members, or null.</summary>
    public IDictionary<string, object?>? Extensions { get; }
}
