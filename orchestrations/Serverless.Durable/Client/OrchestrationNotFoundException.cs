namespace Serverless.Durable.Client;

/// <summary>Thrown when an operation names an instance that does not exist.</summary>
public sealed class OrchestrationNotFoundException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="OrchestrationNotFoundException"/> class.</summary>
    public OrchestrationNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OrchestrationNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    public OrchestrationNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OrchestrationNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public OrchestrationNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
