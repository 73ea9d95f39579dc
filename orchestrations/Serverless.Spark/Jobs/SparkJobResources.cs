namespace Serverless.Spark.Jobs;

/// <summary>Gets the cluster resources a job asks for. Backends pass them on; the local backend ignores them.</summary>
public sealed record SparkJobResources
{
    /// <summary>Gets the driver memory, for example <c>4g</c>.</summary>
    public string? DriverMemory { get; init; }

    /// <summary>Gets the driver cores.</summary>
    public int? DriverCores { get; init; }

    /// <summary>Gets the memory per executor, for example <c>8g</c>.</summary>
    public string? ExecutorMemory { get; init; }

    /// <summary>Gets the cores per executor.</summary>
    public int? ExecutorCores { get; init; }

    /// <summary>Gets the number of executors.</summary>
    public int? Executors { get; init; }
}
