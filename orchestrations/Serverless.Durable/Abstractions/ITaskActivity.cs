namespace Serverless.Durable;

/// <summary>An activity the engine can run without knowing its input and output types.</summary>
public interface ITaskActivity
{
    /// <summary>Gets the input type, used to deserialize the activity input.</summary>
    Type InputType { get; }

    /// <summary>Runs the activity.</summary>
    /// <param name="context">The activity context.</param>
    /// <param name="input">The deserialized input.</param>
    /// <returns>The output.</returns>
    Task<object?> RunAsync(TaskActivityContext context, object? input);
}
