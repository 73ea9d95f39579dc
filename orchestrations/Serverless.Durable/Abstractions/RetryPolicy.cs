namespace Serverless.Durable;

/// <summary>
/// How an activity or sub-orchestration is retried, as in Microsoft.DurableTask: the delay before
/// attempt n+1 is <c>firstRetryInterval × backoffCoefficient^(n-1)</c>, capped at
/// <see cref="MaxRetryInterval"/>. Waits are durable timers, so a retry survives a restart.
/// </summary>
public sealed class RetryPolicy
{
    /// <summary>Initializes a new instance of the <see cref="RetryPolicy"/> class.</summary>
    /// <param name="maxNumberOfAttempts">Total attempts including the first; at least 1.</param>
    /// <param name="firstRetryInterval">The delay before the second attempt; positive.</param>
    /// <param name="backoffCoefficient">The growth factor of the delay; at least 1. The default is 1.</param>
    /// <param name="maxRetryInterval">The longest delay. The default is 1 hour.</param>
    public RetryPolicy(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0, TimeSpan? maxRetryInterval = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumberOfAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoffCoefficient, 1.0);
        this.MaxNumberOfAttempts = maxNumberOfAttempts;
        this.FirstRetryInterval = firstRetryInterval;
        this.BackoffCoefficient = backoffCoefficient;
        this.MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
    }

    /// <summary>Gets the total number of attempts.</summary>
    public int MaxNumberOfAttempts { get; }

    /// <summary>Gets the delay before the second attempt.</summary>
    public TimeSpan FirstRetryInterval { get; }

    /// <summary>Gets the growth factor of the delay.</summary>
    public double BackoffCoefficient { get; }

    /// <summary>Gets the longest delay between attempts.</summary>
    public TimeSpan MaxRetryInterval { get; }

    /// <summary>Gets or sets a predicate that decides whether a failure is retried. The default retries every failure.</summary>
    public Func<TaskFailureDetails, bool> HandleFailure { get; init; } = _ => true;

    /// <summary>Gets the delay after the given failed attempt (1-based).</summary>
    /// <param name="attempt">The attempt that just failed.</param>
    /// <returns>The delay before the next attempt.</returns>
    public TimeSpan GetDelay(int attempt)
    {
        double ms = this.FirstRetryInterval.TotalMilliseconds * Math.Pow(this.BackoffCoefficient, attempt - 1);
        return TimeSpan.FromMilliseconds(Math.Min(ms, this.MaxRetryInterval.TotalMilliseconds));
    }
}
