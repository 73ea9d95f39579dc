namespace Serverless.Functions.Hosting;

/// <summary>The <c>Serverless</c> settings section (app settings <c>Serverless__TaskHub</c>, <c>Serverless__ApiKey</c>, …).</summary>
public sealed class ServerlessOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Serverless";

    /// <summary>
    /// The default task hub name. The project's former engine used <c>serverless</c> with tables of the same names as
    /// DurableTask.AzureStorage's but rows it cannot read, so the default moved to a new name.
    /// </summary>
    public const string DefaultTaskHub = "serverlesshub";

    /// <summary>Gets or sets the durable task hub name. The default is <c>serverless</c>.</summary>
    public string TaskHub { get; set; } = DefaultTaskHub;

    /// <summary>Gets or sets the blob container DAG files are deployed to. The default is <c>dags</c>.</summary>
    public string DagContainer { get; set; } = "dags";

    /// <summary>
    /// Gets or sets a local folder DAG files load from. When neither this nor <see cref="DagContainer"/> holds DAGs, the
    /// sample DAGs shipped with the app are used. The default (null) is the container under the Functions host and the
    /// sample folder standalone.
    /// </summary>
    public string? DagFolder { get; set; }

    /// <summary>Gets or sets the API key every route except health needs (<c>x-functions-key</c> header or <c>code</c> query parameter).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets how many days finished runs are kept before the maintenance timer purges them. The default is 30.</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>Gets or sets how many activities (task steps) one instance runs at once. The default is 32.</summary>
    public int MaxConcurrentActivities { get; set; } = 32;

    /// <summary>Gets or sets how many orchestration messages one instance handles at once. The default is 16.</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 16;

    /// <summary>Gets or sets the longest idle wait between queue polls when the app polls itself (standalone). The default is 2 seconds.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets a value indicating whether the standalone host uploads the sample data files to the data container. The default is true.</summary>
    public bool UploadSampleData { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the scheduler tick starts due runs. The default is true; tests turn it off.</summary>
    public bool Scheduler { get; set; } = true;
}
