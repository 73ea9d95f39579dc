namespace Serverless.Durable.Replay;

/// <summary>
/// The orchestrator code did something different from what its history records (for example it was
/// changed while instances were running). The instance fails with this error instead of hanging.
/// </summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="NonDeterministicOrchestrationException"/> class.</summary>
    public NonDeterministicOrchestrationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NonDeterministicOrchestrationException"/> class.</summary>
    /// <param name="message">What differs: the expected and the actual action.</param>
    public NonDeterministicOrchestrationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NonDeterministicOrchestrationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NonDeterministicOrchestrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
