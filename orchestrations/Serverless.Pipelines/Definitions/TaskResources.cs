namespace Serverless.Pipelines.Definitions;

/// <summary>Spark resources a job asks for; backends that size nothing (local) ignore them.</summary>
public sealed record TaskResources
{
    /// <summary>Gets the driver memory, Spark notation (<c>4g</c>).</summary>
    public string? DriverMemory { get; init; }

    /// <summary>Gets the driver cores.</summary>
    public int? DriverCores { get; init; }

    /// <summary>Gets the executor memory, Spark notation (<c>4g</c>).</summary>
    public string? ExecutorMemory { get; init; }

    /// <summary>Gets the executor cores.</summary>
    public int? ExecutorCores { get; init; }

    /// <summary>Gets the number of executors.</summary>
    public int? NumExecutors { get; init; }
}
