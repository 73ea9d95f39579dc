namespace Serverless.Pipelines.Definitions;

/// <summary>The settings that apply to one task after task, DAG and built-in defaults are merged.</summary>
public sealed record EffectiveTaskSettings
{
    /// <summary>The built-in retry delay: 5 minutes, as Airflow's.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>The built-in cap of the retry delay: 24 hours, as Airflow's.</summary>
    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromHours(24);

    /// <summary>The pool of a task that names none, as Airflow's: unlimited unless a setting gives it slots.</summary>
    public const string DefaultPool = "default_pool";

    /// <summary>Gets the trigger rule.</summary>
    public TriggerRule TriggerRule { get; init; }

    /// <summary>Gets the number of retries after the first attempt (so attempts = retries + 1).</summary>
    public int Retries { get; init; }

    /// <summary>Gets the delay before the first retry.</summary>
    public TimeSpan RetryDelay { get; init; }

    /// <summary>Gets a value indicating whether the delay doubles with every retry.</summary>
    public bool RetryExponentialBackoff { get; init; }

    /// <summary>Gets the cap of the retry delay.</summary>
    public TimeSpan MaxRetryDelay { get; init; }

    /// <summary>Gets the limit on one attempt's duration, or <see langword="null"/> for none.</summary>
    public TimeSpan? ExecutionTimeout { get; init; }

    /// <summary>Gets the Spark backend or connection name the task's jobs go to, or <see langword="null"/> for the app setting (see <see cref="DagDefinition.SettingsFor"/>).</summary>
    public string? Backend { get; init; }

    /// <summary>Gets the pool whose slots the task's attempts take. The default is <see cref="DefaultPool"/>.</summary>
    public string Pool { get; init; } = DefaultPool;

    /// <summary>Gets how many slots of its pool one attempt (of one map instance) takes. The default is 1.</summary>
    public int PoolSlots { get; init; } = 1;

    /// <summary>Gets the rank among waiters for a pool slot: higher takes a free slot first. The default is 1, as Airflow's <c>priority_weight</c>.</summary>
    public int Priority { get; init; } = 1;

    /// <summary>
    /// Gets the delay before a retry. With backoff the delay is <c>retryDelay × 2^(retryNumber − 1)</c>, capped at
    /// <see cref="MaxRetryDelay"/>. Unlike Airflow there is no random jitter: a durable orchestration must compute
    /// the same timer on every replay.
    /// </summary>
    /// <param name="retryNumber">1 for the first retry (the second attempt), 2 for the next, and so on.</param>
    /// <returns>The delay.</returns>
    public TimeSpan DelayBeforeRetry(int retryNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryNumber, 1);
        if (!RetryExponentialBackoff)
        {
            return RetryDelay < MaxRetryDelay ? RetryDelay : MaxRetryDelay;
        }

        var ticks = (double)RetryDelay.Ticks * Math.Pow(2, retryNumber - 1);
        return ticks >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }
}
