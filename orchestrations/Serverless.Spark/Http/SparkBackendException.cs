using System.Net;

namespace Serverless.Spark.Http;

/// <summary>A cluster backend answered with an error. The message carries the status and a redacted, shortened body.</summary>
public sealed class SparkBackendException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SparkBackendException"/> class.</summary>
    public SparkBackendException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SparkBackendException"/> class.</summary>
    /// <param name="message">The message.</param>
    public SparkBackendException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SparkBackendException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SparkBackendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SparkBackendException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="status">The HTTP status.</param>
    public SparkBackendException(string message, HttpStatusCode status)
        : base(message) => this.Status = status;

    /// <summary>Gets the HTTP status, when the server answered.</summary>
    public HttpStatusCode? Status { get; }
}
