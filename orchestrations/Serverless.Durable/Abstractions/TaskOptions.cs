namespace Serverless.Durable;

/// <summary>Options for scheduling an activity.</summary>
/// <param name="Retry">The retry policy; null for a single attempt.</param>
public record TaskOptions(RetryPolicy? Retry = null)
{
    /// <summary>Creates options with a retry policy.</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>The options.</returns>
    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(policy);
}
