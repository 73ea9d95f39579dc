namespace Serverless.Durable;

/// <summary>What went wrong in a failed activity, sub-orchestration or orchestration.</summary>
/// <param name="ErrorType">The full name of the exception type.</param>
/// <param name="ErrorMessage">The exception message.</param>
/// <param name="StackTrace">The stack trace, when there is one.</param>
/// <param name="InnerFailure">The cause, for example the activity failure under an orchestration failure.</param>
public sealed record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace = null, TaskFailureDetails? InnerFailure = null)
{
    /// <summary>Creates failure details from an exception.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The details.</returns>
    public static TaskFailureDetails FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is TaskFailedException taskFailed)
        {
            return new TaskFailureDetails(exception.GetType().FullName!, exception.Message, exception.StackTrace, taskFailed.FailureDetails);
        }

        return new TaskFailureDetails(
            exception.GetType().FullName!,
            exception.Message,
            exception.StackTrace,
            exception.InnerException is null ? null : FromException(exception.InnerException));
    }

    /// <summary>Returns whether the failure, or any cause under it, was an exception of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The exception type.</typeparam>
    /// <returns>True when the type matches.</returns>
    public bool IsCausedBy<T>()
        where T : Exception =>
        this.ErrorType == typeof(T).FullName || (this.InnerFailure?.IsCausedBy<T>() ?? false);

    /// <inheritdoc/>
    public override string ToString() => $"{this.ErrorType}: {this.ErrorMessage}";
}
