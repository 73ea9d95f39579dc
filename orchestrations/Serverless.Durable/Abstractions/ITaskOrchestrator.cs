namespace Serverless.Durable;

/// <summary>An orchestrator the engine can run without knowing its input and output types.</summary>
public interface ITaskOrchestrator
{
    /// <summary>Gets the input type, used to deserialize the orchestration input.</summary>
    Type InputType { get; }

    /// <summary>Runs the orchestrator.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="input">The deserialized input.</param>
    /// <returns>The output.</returns>
    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}
