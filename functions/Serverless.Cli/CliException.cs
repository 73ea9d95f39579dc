using System.Text.Json.Nodes;

namespace Serverless.Cli;

/// <summary>A failure the CLI reports as one line on standard error and exit code 1.</summary>
public sealed class CliException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="CliException"/> class.</summary>
    public CliException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CliException"/> class.</summary>
    /// <param name="message">The message.</param>
    public CliException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CliException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CliException"/> class for a problem response of the host.</summary>
    /// <param name="message">The message.</param>
    /// <param name="problem">The response body (RFC 9457 problem details), printed as is under <c>--json</c>.</param>
    public CliException(string message, JsonNode? problem)
        : base(message) => this.Problem = problem;

    /// <summary>Gets the host's problem response, or null when the failure did not come from the host.</summary>
    public JsonNode? Problem { get; }
}
