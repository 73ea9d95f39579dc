using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Serverless.Pipelines.Notifications;
using Serverless.Pipelines.Orchestration;
using Serverless.Spark.Activities;
using Serverless.Spark.Jobs;

namespace Serverless.Functions.Durable;

/// <summary>
/// The trigger functions through which the Functions host's Durable extension invokes the class-based orchestrators
/// and activities (functions.metadata lists a function per orchestrator and activity). This is what
/// Microsoft.DurableTask.Generators would write; it is not served, so it is written here, one line per task. The
/// local host's worker runs the same classes registered with <c>AddPipelineTasks</c>, without these wrappers.
/// </summary>
public static class DurableTaskFunctions
{
    /// <summary>The DAG run orchestrator.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <returns>The run's result.</returns>
    [Function(nameof(DagRunOrchestrator))]
    public static Task<DagRunResult> DagRun([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new DagRunOrchestrator().RunAsync(context, context.GetInput<DagRunInput>()!);
    }

    /// <summary>The backfill orchestrator.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <returns>The number of runs that succeeded.</returns>
    [Function(nameof(DagBackfillOrchestrator))]
    public static Task<int> Backfill([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new DagBackfillOrchestrator().RunAsync(context, context.GetInput<DagBackfillInput>()!);
    }

    /// <summary>Submits a task's job.</summary>
    /// <param name="input">The input.</param>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The started job.</returns>
    [Function(nameof(StartTaskJob))]
    public static Task<StartedTaskJob> StartTaskJob([ActivityTrigger] StartTaskJobInput input, string instanceId, FunctionContext context) =>
        RunAsync<StartTaskJob, StartTaskJobInput, StartedTaskJob>(input, instanceId, context);

    /// <summary>Submits the jobs a run's step made ready, together.</summary>
    /// <param name="input">The input.</param>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="context">The function context.</param>
    /// <returns>Each job's outcome, in order.</returns>
    [Function(nameof(StartTaskJobs))]
    public static Task<List<StartTaskJobOutcome>> StartTaskJobs([ActivityTrigger] StartTaskJobsInput input, string instanceId, FunctionContext context) =>
        RunAsync<StartTaskJobs, StartTaskJobsInput, List<StartTaskJobOutcome>>(input, instanceId, context);

    /// <summary>Checks a blob sensor's path.</summary>
    /// <param name="input">The input.</param>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="context">The function context.</param>
    /// <returns>Whether the blob exists.</returns>
    [Function(nameof(CheckBlobExists))]
    public static Task<bool> CheckBlobExists([ActivityTrigger] string input, string instanceId, FunctionContext context) =>
        RunAsync<CheckBlobExists, string, bool>(input, instanceId, context);

    /// <summary>Reads rows of a task output (branches, mapping).</summary>
    /// <param name="input">The input.</param>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The rows.</returns>
    [Function(nameof(ReadTaskRows))]
    public static Task<List<JsonObject>> ReadTaskRows([ActivityTrigger] ReadTaskRowsInput input, string instanceId, FunctionContext context) =>
        RunAsync<ReadTaskRows, ReadTaskRowsInput, List<JsonObject>>(input, instanceId, context);

    /// <summary>Writes the run manifest.</summary>
    /// <param name="input">The input.</param>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The output sizes.</returns>
    [Function(nameof(WriteRunManifest))]
    public static Task<Dictionary<string, DataSize>> WriteRunManifest([ActivityTrigger] WriteRunManifestInput input, string instanceId, FunctionContext context) =>
        RunAsync<WriteRunManifest, WriteRunManifestInput, Dictionary<string, DataSize>>(input, instanceId, context);

    /// <summary>Delivers a notification to one webhook.</summary>
    /// <param name="input">The input.</param>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The HTTP status the webhook answered.</returns>
    [Function(nameof(DeliverNotification))]
    public static Task<int> DeliverNotification([ActivityTrigger] NotificationDelivery input, string instanceId, FunctionContext context) =>
        RunAsync<DeliverNotification, NotificationDelivery, int>(input, instanceId, context);

    /// <summary>Records a notification that used up its delivery attempts.</summary>
    /// <param name="input">The input.</param>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="context">The function context.</param>
    /// <returns>True once recorded.</returns>
    [Function(nameof(RecordNotificationDeadLetter))]
    public static Task<bool> RecordNotificationDeadLetter([ActivityTrigger] NotificationDeadLetter input, string instanceId, FunctionContext context) =>
        RunAsync<RecordNotificationDeadLetter, NotificationDeadLetter, bool>(input, instanceId, context);

    /// <summary>Submits a Spark job.</summary>
    /// <param name="input">The input.</param>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The job handle.</returns>
    [Function(nameof(SubmitSparkJob))]
    public static Task<SparkJobHandle> SubmitSparkJob([ActivityTrigger] SubmitSparkJobInput input, string instanceId, FunctionContext context) =>
        RunAsync<SubmitSparkJob, SubmitSparkJobInput, SparkJobHandle>(input, instanceId, context);

    /// <summary>Reads a Spark job's status.</summary>
    /// <param name="input">The input.</param>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The status.</returns>
    [Function(nameof(GetSparkJobStatus))]
    public static Task<SparkJobStatus> GetSparkJobStatus([ActivityTrigger] SparkJobHandle input, string instanceId, FunctionContext context) =>
        RunAsync<GetSparkJobStatus, SparkJobHandle, SparkJobStatus>(input, instanceId, context);

    /// <summary>Cancels a Spark job.</summary>
    /// <param name="input">The input.</param>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The status after the request.</returns>
    [Function(nameof(CancelSparkJob))]
    public static Task<SparkJobStatus> CancelSparkJob([ActivityTrigger] SparkJobHandle input, string instanceId, FunctionContext context) =>
        RunAsync<CancelSparkJob, SparkJobHandle, SparkJobStatus>(input, instanceId, context);

    /// <summary>Appends the orchestrator's lines to a task attempt log.</summary>
    /// <param name="input">The input.</param>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="context">The function context.</param>
    /// <returns>True.</returns>
    [Function(nameof(AppendTaskLog))]
    public static Task<bool> AppendTaskLog([ActivityTrigger] AppendTaskLogInput input, string instanceId, FunctionContext context) =>
        RunAsync<AppendTaskLog, AppendTaskLogInput, bool>(input, instanceId, context);

    // Every activity trigger above is this call. Each needs its own [Function] method all the same: the Functions
    // source generator lists only methods it can see declared (no generic or computed functions), and
    // functions.metadata is built from that list. An activity's name is its class name, as the local host registers it.
    private static async Task<TOutput> RunAsync<TActivity, TInput, TOutput>(TInput input, string instanceId, FunctionContext context)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        ArgumentNullException.ThrowIfNull(context);
        var activity = ActivatorUtilities.GetServiceOrCreateInstance<TActivity>(context.InstanceServices);
        return await activity.RunAsync(new FunctionActivityContext(typeof(TActivity).Name, instanceId), input).ConfigureAwait(false);
    }
}
