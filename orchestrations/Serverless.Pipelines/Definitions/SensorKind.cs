namespace Serverless.Pipelines.Definitions;

/// <summary>What a sensor task waits for. Written in files as <c>blob_exists</c>, <c>external_event</c>, <c>time</c>.</summary>
public enum SensorKind
{
    /// <summary>Until a blob exists at a (templated) path.</summary>
    BlobExists,

    /// <summary>Until an external event with a given name is raised on the run.</summary>
    ExternalEvent,

    /// <summary>Until a point in time.</summary>
    Time,
}
