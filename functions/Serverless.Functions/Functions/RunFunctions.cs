using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Functions.Api;
using Serverless.Pipelines.Service;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Hosting;
using Serverless.Storage.Connection;

namespace Serverless.Functions.Functions;

/// <summary>The run routes: trigger, status, list, terminate, events, rerun, purge, manifest, task logs.</summary>
/// <remarks>
/// Anonymous at the host: <see cref="ApiGate"/> checks the app's named keys, the same way in Azure and locally.
/// </remarks>
public sealed class RunFunctions
{
    private readonly ApiGate gate;
    private readonly IDagRunServiceFactory runs;
    private readonly StorageAccount account;
    private readonly IOptions<SparkOptions> spark;
    private readonly TaskAttemptLog logs;

    /// <summary>Initializes a new instance of the <see cref="RunFunctions"/> class.</summary>
    /// <param name="gate">The API gate.</param>
    /// <param name="runs">Creates the run service.</param>
    /// <param name="account">The storage account.</param>
    /// <param name="spark">The Spark settings.</param>
    /// <param name="logs">The task attempt logs.</param>
    public RunFunctions(ApiGate gate, IDagRunServiceFactory runs, StorageAccount account, IOptions<SparkOptions> spark, TaskAttemptLog logs)
    {
        this.gate = gate;
        this.runs = runs;
        this.account = account;
        this.spark = spark;
        this.logs = logs;
    }

    /// <summary>Starts a run.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="dagId">The DAG id.</param>
    /// <returns>202 with the status links.</returns>
    [Function(FunctionNames.TriggerRun)]
    public Task<IResult> TriggerRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/dags/{dagId}/runs")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string dagId) =>
        this.gate.RunAsync(request, () => RunEndpoints.TriggerAsync(request.HttpContext, this.runs.Create(client), dagId));

    /// <summary>Gets a run.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="runId">The run id.</param>
    /// <returns>The run.</returns>
    [Function(FunctionNames.GetRun)]
    public Task<IResult> GetRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs/{runId}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string runId) =>
        this.gate.RunAsync(request, () => RunEndpoints.GetAsync(request.HttpContext, this.runs.Create(client), runId));

    /// <summary>Lists runs.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>A page of runs.</returns>
    [Function(FunctionNames.ListRuns)]
    public Task<IResult> ListRuns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        this.gate.RunAsync(request, () => RunEndpoints.ListAsync(request.HttpContext, this.runs.Create(client)));

    /// <summary>Lists task instances across runs.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>A page of task instances.</returns>
    [Function(FunctionNames.ListTaskInstances)]
    public Task<IResult> ListTaskInstances(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/task-instances")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        this.gate.RunAsync(request, () => RunEndpoints.ListTaskInstancesAsync(request.HttpContext, this.runs.Create(client)));

    /// <summary>Terminates a run, cancelling its jobs.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="runId">The run id.</param>
    /// <returns>202.</returns>
    [Function(FunctionNames.TerminateRun)]
    public Task<IResult> TerminateRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/runs/{runId}/terminate")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string runId) =>
        this.gate.RunAsync(request, () => RunEndpoints.TerminateAsync(request.HttpContext, this.runs.Create(client), runId));

    /// <summary>Raises an event for external-event sensors.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="name">The event name.</param>
    /// <returns>202.</returns>
    [Function(FunctionNames.RaiseEvent)]
    public Task<IResult> RaiseEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/runs/{runId}/events/{name}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string runId,
        string name) =>
        this.gate.RunAsync(request, () => RunEndpoints.RaiseEventAsync(request.HttpContext, this.runs.Create(client), runId, name));

    /// <summary>Reruns a run's failed or named tasks as a new run.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="runId">The run id.</param>
    /// <returns>202 like a trigger.</returns>
    [Function(FunctionNames.RerunRun)]
    public Task<IResult> RerunRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/runs/{runId}/rerun")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string runId) =>
        this.gate.RunAsync(request, () => RunEndpoints.RerunAsync(request.HttpContext, this.runs.Create(client), runId));

    /// <summary>Marks a finished run, or one task of it, success or failed.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="runId">The run id.</param>
    /// <returns>The run with the mark applied.</returns>
    [Function(FunctionNames.MarkRun)]
    public Task<IResult> MarkRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/runs/{runId}/mark")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string runId) =>
        this.gate.RunAsync(request, () => RunEndpoints.MarkAsync(request.HttpContext, this.runs.Create(client), runId));

    /// <summary>Purges a run (and its data with <c>data=true</c>).</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="runId">The run id.</param>
    /// <returns>200 or 404.</returns>
    [Function(FunctionNames.PurgeRun)]
    public Task<IResult> PurgeRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/runs/{runId}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string runId) =>
        this.gate.RunAsync(request, () => RunEndpoints.PurgeAsync(request.HttpContext, this.runs.Create(client), runId));

    /// <summary>Gets a run's manifest.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="runId">The run id.</param>
    /// <returns>The manifest.</returns>
    [Function(FunctionNames.GetRunManifest)]
    public Task<IResult> GetRunManifest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs/{runId}/manifest")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string runId) =>
        this.gate.RunAsync(request, () => ManifestEndpoints.GetAsync(request.HttpContext, this.runs.Create(client), this.account, this.spark, runId));

    /// <summary>Gets a task attempt's log.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="taskId">The task id.</param>
    /// <returns>The log text.</returns>
    [Function(FunctionNames.GetTaskLog)]
    public Task<IResult> GetTaskLog(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs/{runId}/tasks/{taskId}/logs")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string runId,
        string taskId) =>
        this.gate.RunAsync(request, () => LogEndpoints.GetAsync(request.HttpContext, this.runs.Create(client), this.logs, this.spark, runId, taskId));
}
