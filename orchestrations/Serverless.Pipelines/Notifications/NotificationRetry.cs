namespace Serverless.Pipelines.Notifications;

/// <summary>
/// The durable retry policy of a notification delivery, carried in the run's input because the orchestrator that
/// applies it cannot read settings. The defaults (5 attempts; 5 s, then doubling, at most 1 min apart) give an endpoint
/// about 75 s to come back before the event is dead-lettered.
/// </summary>
public sealed record NotificationRetry
{
    /// <summary>Gets the most delivery attempts, the first included. The default is 5.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Gets the wait before the second attempt. The default is 5 seconds.</summary>
    public TimeSpan FirstRetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the factor each further wait grows by. The default is 2.</summary>
    public double BackoffCoefficient { get; init; } = 2;

    /// <summary>Gets the longest wait between attempts. The default is 1 minute.</summary>
    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromMinutes(1);
}
