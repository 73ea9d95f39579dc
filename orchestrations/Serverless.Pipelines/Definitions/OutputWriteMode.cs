namespace Serverless.Pipelines.Definitions;

/// <summary>What writing an output does when its location already holds data.</summary>
public enum OutputWriteMode
{
    /// <summary>Replace what is there (the default; makes retries idempotent).</summary>
    Overwrite,

    /// <summary>Fail the task when the location is not empty.</summary>
    ErrorIfExists,
}
