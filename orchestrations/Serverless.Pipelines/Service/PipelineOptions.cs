using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Pools;

namespace Serverless.Pipelines.Service;

/// <summary>Gets the settings of the DAG layer (configuration section <c>Serverless</c>).</summary>
public sealed class PipelineOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Serverless";

    /// <summary>Gets or sets a local folder of DAG files (setting <c>Serverless__DagFolder</c>). When set, the catalog reads it instead of the blob container.</summary>
    public string? DagFolder { get; set; }

    /// <summary>Gets or sets the blob container of deployed DAG files (setting <c>Serverless__DagContainer</c>). The default is <c>dags</c>.</summary>
    public string DagContainer { get; set; } = "dags";

    /// <summary>
    /// Gets or sets a value indicating whether the catalog reads the DAG container as well as <see cref="DagFolder"/>
    /// when a folder is set (setting <c>Serverless__AlsoReadDagContainer</c>): a local host that also serves the files a
    /// deploy uploaded to Azurite. The container's files are then named <c>{container}/{blob}</c>; a DAG id declared on
    /// both sides is a problem of both. The default is false.
    /// </summary>
    public bool AlsoReadDagContainer { get; set; }

    /// <summary>Gets or sets a value indicating whether the catalog reads the DAG container at all. The default is true; turn off for catalogs made only of <see cref="Dags"/>.</summary>
    public bool ReadDagContainer { get; set; } = true;

    /// <summary>
    /// Gets or sets how often the DAG folder or container is checked for changes (setting
    /// <c>Serverless__DagReloadInterval</c>), so a file added, edited or removed is picked up without a restart. The
    /// default is 2 seconds. A check of the container is one listing compared by ETag; of the folder, a look at names,
    /// lengths and write times, besides a file system watcher that reloads at once. Zero or less turns the hot reload off.
    /// </summary>
    public TimeSpan DagReloadInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the DAGs defined in code (<see cref="DagBuilder"/>); they are listed next to the loaded files.</summary>
    public IList<DagDefinition> Dags { get; } = [];

    /// <summary>
    /// Gets or sets the first interval between status polls of a job whose backend cannot push its end (Livy,
    /// Synapse, Databricks). The default is 250 milliseconds: short, so a short job is seen soon after it ends.
    /// </summary>
    public TimeSpan FirstPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets the longest interval between job status polls. The default is 15 seconds. A job whose end is
    /// pushed (the local backend) is polled at this interval only as a fallback, for a push lost in a restart.
    /// </summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets what each poll interval is multiplied by, up to <see cref="MaxPollInterval"/>. The default is 1.5.</summary>
    public double PollBackoffFactor { get; set; } = Orchestration.DagRunInput.DefaultPollBackoffFactor;

    /// <summary>
    /// Gets or sets the most instances of a mapped task run in the run's own orchestration. A task mapped over more
    /// items runs them in chunks of this many, each in a sub-orchestration, so that no orchestration history grows
    /// with the item count. The default is 500; 0 never splits.
    /// </summary>
    public int MapChunkSize { get; set; } = 500;

    /// <summary>
    /// Gets or sets a value indicating whether a backend that knows when a job ends (the local backend) tells the run
    /// at once by an event instead of waiting for the next poll. Needs a <c>DurableTaskClient</c> in the service
    /// container (the local host has one); without it jobs are polled. The default is true.
    /// </summary>
    public bool PushJobCompletion { get; set; } = true;

    /// <summary>
    /// Gets the host's job watcher settings (<c>Serverless__JobWatch__*</c>): where a backend cannot push a job's end
    /// (Livy, Synapse, Databricks), this process polls it and tells the run by the same event, under the same
    /// condition as <see cref="PushJobCompletion"/>.
    /// </summary>
    public JobWatchOptions JobWatch { get; } = new();

    /// <summary>
    /// Gets or sets how long the submit activity waits for a <c>local</c> job to finish before handing polling to
    /// durable timers. The default is 1 second: most local jobs finish within it and save a timer round.
    /// </summary>
    public TimeSpan LocalJobStartWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets a value indicating whether a job already finished when it is submitted starts its ready
    /// downstream jobs (trigger rule all_success, other upstreams done) in the same activity, skipping an orchestration
    /// round per task for fast jobs. The default is true.
    /// </summary>
    public bool ChainFastJobs { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a DAG the scheduler has not seen before starts paused (setting
    /// <c>Serverless__DagsArePausedAtCreation</c>, Airflow's <c>dags_are_paused_at_creation</c>); a DAG's own
    /// <c>isPausedUponCreation</c> wins. The default is true. Manual triggers and backfills run on paused DAGs.
    /// </summary>
    public bool DagsArePausedAtCreation { get; set; } = true;

    /// <summary>
    /// Gets or sets the runs index table (setting <c>Serverless__RunIndexTable</c>). The default is
    /// <see cref="PipelineResourceNames.RunIndexTable"/>; the Functions app names it after its task hub
    /// (<see cref="PipelineResourceNames.RunIndexTableOf"/>).
    /// </summary>
    public string RunIndexTable { get; set; } = PipelineResourceNames.RunIndexTable;

    /// <summary>
    /// Gets the pools by name (settings <c>Serverless__Pools__NAME__Slots</c>, <c>Serverless__Pools__NAME__Description</c>):
    /// slots shared by the tasks that name the pool in every DAG and on every host, given to waiting tasks by
    /// priority. A task that names no pool is in <c>default_pool</c>, unlimited unless it is configured here too. The
    /// default is none.
    /// </summary>
    public Dictionary<string, PoolOptions> Pools { get; } = new(StringComparer.Ordinal);
}
