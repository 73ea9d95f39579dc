namespace Serverless.Pipelines.Definitions;

/// <summary>Task settings a DAG gives every task that does not set its own (Airflow's <c>default_args</c>).</summary>
public sealed record DagTaskDefaults
{
    /// <summary>Gets the default trigger rule.</summary>
    public TriggerRule? TriggerRule { get; init; }

    /// <summary>Gets the default number of retries after the first attempt.</summary>
    public int? Retries { get; init; }

    /// <summary>Gets the default delay before a retry.</summary>
    public TimeSpan? RetryDelay { get; init; }

    /// <summary>Gets a value indicating whether the retry delay doubles with every retry by default.</summary>
    public bool? RetryExponentialBackoff { get; init; }

    /// <summary>Gets the default cap of the retry delay.</summary>
    public TimeSpan? MaxRetryDelay { get; init; }

    /// <summary>Gets the default limit on one attempt's duration.</summary>
    public TimeSpan? ExecutionTimeout { get; init; }

    /// <summary>Gets the default Spark backend (<c>local</c>, <c>livy</c>, <c>synapse</c>, <c>databricks</c>); <see langword="null"/> means the app setting.</summary>
    public string? Backend { get; init; }

    /// <summary>Gets the default pool.</summary>
    public string? Pool { get; init; }

    /// <summary>Gets the default number of pool slots an attempt takes.</summary>
    public int? PoolSlots { get; init; }

    /// <summary>Gets the default priority.</summary>
    public int? Priority { get; init; }
}
