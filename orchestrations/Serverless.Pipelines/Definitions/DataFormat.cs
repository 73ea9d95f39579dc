namespace Serverless.Pipelines.Definitions;

/// <summary>The file format of a task input or output.</summary>
public enum DataFormat
{
    /// <summary>Apache Parquet (the default for outputs).</summary>
    Parquet,

    /// <summary>Comma separated values (options such as <c>header</c> and <c>delimiter</c> apply).</summary>
    Csv,

    /// <summary>JSON lines or a JSON array, as the engine reads it.</summary>
    Json,
}
