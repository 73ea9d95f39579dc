namespace Serverless.Functions.Hosting;

/// <summary>
/// The app's own part of the <c>Serverless</c> settings section (<c>Serverless__TaskHub</c>, <c>Serverless__RetentionDays</c>,
/// …); the DAG settings of the same section are <c>PipelineOptions</c>', the API keys <see cref="Api.ApiKeyCheck"/>'s.
/// </summary>
public sealed class ServerlessOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Serverless";

    /// <summary>
    /// The default task hub name. The project's former engine used <c>serverless</c> with tables of the same names as
    /// DurableTask.AzureStorage's but rows it cannot read, so the default moved to a new name.
    /// </summary>
    public const string DefaultTaskHub = "serverlesshub";

    /// <summary>Gets or sets the durable task hub name. The default is <c>serverlesshub</c>.</summary>
    public string TaskHub { get; set; } = DefaultTaskHub;

    /// <summary>Gets or sets how many days finished runs are kept before the maintenance timer purges them. The default is 30.</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>Gets or sets a value indicating whether the local host uploads the sample data files to the data container. The default is true.</summary>
    public bool UploadSampleData { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the scheduler tick starts due runs. The default is true; tests turn it off.</summary>
    public bool Scheduler { get; set; } = true;
}
