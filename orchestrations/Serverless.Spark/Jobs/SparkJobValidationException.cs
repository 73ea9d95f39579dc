namespace Serverless.Spark.Jobs;

/// <summary>Thrown when a job spec is invalid; carries every error found, not just the first.</summary>
public sealed class SparkJobValidationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SparkJobValidationException"/> class.</summary>
    public SparkJobValidationException()
        : this([])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SparkJobValidationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public SparkJobValidationException(string message)
        : this([message])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SparkJobValidationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SparkJobValidationException(string message, Exception innerException)
        : base(message, innerException) => this.Errors = [message];

    /// <summary>Initializes a new instance of the <see cref="SparkJobValidationException"/> class.</summary>
    /// <param name="errors">Every validation error.</param>
    public SparkJobValidationException(IReadOnlyList<string> errors)
        : base(errors is { Count: > 0 } ? "The Spark job spec is invalid: " + string.Join(" ", errors) : "The Spark job spec is invalid.") =>
        this.Errors = errors ?? [];

    /// <summary>Gets every validation error.</summary>
    public IReadOnlyList<string> Errors { get; }
}
