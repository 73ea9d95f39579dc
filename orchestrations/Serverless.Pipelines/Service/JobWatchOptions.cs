using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Service;

/// <summary>
/// The settings of the host's job watcher (section <c>Serverless__JobWatch</c>): how this process polls the jobs of
/// backends that cannot push their end (Livy, Synapse, Databricks), so a run learns each end by an event instead of
/// by its own durable poll (a timer, an activity and episodes: storage transactions per poll).
/// </summary>
/// <remarks>
/// A poll here costs the backend one status request (Livy, Synapse and Databricks answer it without the jobs table,
/// see <see cref="Spark.Backends.ISparkJobStatusProbe"/>) and costs storage nothing, so the schedule can start short.
/// Its intervals grow by <see cref="PollBackoffFactor"/>, so an end is seen late by about half of
/// (<see cref="PollBackoffFactor"/> − 1) × the job's age: the defaults poll a 2 s job every 30 ms when it ends (about
/// 15 ms late on average, which is what keeps a poll-mode hop within 3 times a plain activity hop). Their cost per
/// job: about 110 status requests for a 2 s job, 410 for a minute, 650 for 10 minutes, and from about 8 minutes on
/// one request every 5 s; after <see cref="MaxWatchTime"/> the run's own durable poll alone goes on. The run keeps
/// a durable poll every <see cref="PipelineOptions.MaxPollInterval"/> as the fallback for a watch lost in a restart.
/// </remarks>
public sealed class JobWatchOptions
{
    /// <summary>Gets or sets the most jobs this process watches at once (<c>Serverless__JobWatch__MaxJobs</c>); beyond it a job is polled by its run, as with no watcher. The default is 1,000; 0 turns the watcher off.</summary>
    public int MaxJobs { get; set; } = 1000;

    /// <summary>Gets or sets the first interval between the watcher's status reads of a job (<c>Serverless__JobWatch__FirstPollInterval</c>). The default is 10 milliseconds.</summary>
    public TimeSpan FirstPollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Gets or sets what each interval is multiplied by (<c>Serverless__JobWatch__PollBackoffFactor</c>). The default is 1.01.</summary>
    public double PollBackoffFactor { get; set; } = 1.01;

    /// <summary>Gets or sets the longest interval between the watcher's reads of a job (<c>Serverless__JobWatch__MaxPollInterval</c>). The default is 5 seconds.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long a job is watched before the watcher drops it to its run's own poll (<c>Serverless__JobWatch__MaxWatchTime</c>). The default is 1 hour.</summary>
    public TimeSpan MaxWatchTime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the most status reads the watcher makes at once (<c>Serverless__JobWatch__MaxParallelReads</c>). The default is 16.</summary>
    public int MaxParallelReads { get; set; } = 16;

    /// <summary>Gets the schedule of the watcher's reads.</summary>
    /// <returns>The schedule.</returns>
    public SparkJobPollSchedule Schedule() => new(this.FirstPollInterval, this.PollBackoffFactor, this.MaxPollInterval);
}
