namespace Serverless.Pipelines.Definitions;

/// <summary>What a sensor task waits for, how often it looks and how long it waits.</summary>
public sealed record SensorSettings
{
    /// <summary>The default poke interval: 60 seconds.</summary>
    public static readonly TimeSpan DefaultPokeInterval = TimeSpan.FromSeconds(60);

    /// <summary>The default timeout: 7 days, as Airflow's.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromDays(7);

    /// <summary>Gets what the sensor waits for.</summary>
    public required SensorKind Type { get; init; }

    /// <summary>Gets the container of a <see cref="SensorKind.BlobExists"/> sensor; <see langword="null"/> means the data container.</summary>
    public string? Container { get; init; }

    /// <summary>Gets the blob path (may hold templates) of a <see cref="SensorKind.BlobExists"/> sensor.</summary>
    public string? Path { get; init; }

    /// <summary>Gets the event name of an <see cref="SensorKind.ExternalEvent"/> sensor.</summary>
    public string? EventName { get; init; }

    /// <summary>Gets the target time of a <see cref="SensorKind.Time"/> sensor: an ISO 8601 date-time, usually a template such as <c>{{ data_interval_end }}</c>.</summary>
    public string? At { get; init; }

    /// <summary>Gets, for a <see cref="SensorKind.Time"/> sensor, a delay after the data interval end (Airflow's TimeDeltaSensor) instead of <see cref="At"/>.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Gets how often a blob sensor looks. The default is 60 seconds.</summary>
    public TimeSpan PokeInterval { get; init; } = DefaultPokeInterval;

    /// <summary>Gets how long the sensor waits before it fails (or is skipped with <see cref="SoftFail"/>). The default is 7 days.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Gets a value indicating whether a timeout marks the task skipped instead of failed.</summary>
    public bool SoftFail { get; init; }
}
