using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Api;
using Serverless.Pipelines.Service;

namespace Serverless.Functions.Functions;

/// <summary>The DAG routes: list, refresh, show, validate, backfill, pause, and the DAG's notification dead letters.</summary>
public sealed class DagFunctions
{
    private readonly ApiGate gate;
    private readonly IDagRunServiceFactory runs;
    private readonly TimeProvider time;

    /// <summary>Initializes a new instance of the <see cref="DagFunctions"/> class.</summary>
    /// <param name="gate">The API gate.</param>
    /// <param name="runs">Creates the run service.</param>
    /// <param name="time">The clock.</param>
    public DagFunctions(ApiGate gate, IDagRunServiceFactory runs, TimeProvider time)
    {
        this.gate = gate;
        this.runs = runs;
        this.time = time;
    }

    /// <summary>Lists a DAG's (or a run's) notification dead letters, newest first.</summary>
    /// <param name="request">The request (<c>?dag=</c>, optional <c>&amp;run=</c>).</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The dead letters.</returns>
    [Function(FunctionNames.ListDeadLetters)]
    public Task<IResult> ListDeadLetters(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/notifications/dead-letters")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        this.gate.RunAsync(request, () => DagEndpoints.ListDeadLettersAsync(request.HttpContext, this.runs.Create(client)));

    /// <summary>Lists every loaded DAG file, valid or not.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The DAGs.</returns>
    [Function(FunctionNames.ListDags)]
    public Task<IResult> ListDags(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dags")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        this.gate.RunAsync(request, () => DagEndpoints.ListAsync(request.HttpContext, this.runs.Create(client)));

    /// <summary>Validates a posted DAG document.</summary>
    /// <param name="request">The request.</param>
    /// <returns>200 or 400 with the problems.</returns>
    [Function(FunctionNames.ValidateDag)]
    public Task<IResult> ValidateDag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/dags/validate")] HttpRequest request) =>
        this.gate.RunAsync(request, () => DagEndpoints.ValidateAsync(request.HttpContext));

    /// <summary>Re-reads the DAG folder or container now, rather than at the next hot reload check, and lists what it loaded.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The loaded DAG files with counts.</returns>
    [Function(FunctionNames.RefreshDags)]
    public Task<IResult> RefreshDags(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/dags/refresh")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        this.gate.RunAsync(request, () => DagEndpoints.RefreshAsync(request.HttpContext, this.runs.Create(client)));

    /// <summary>Shows a DAG: definition, graph, next schedule times, recent runs.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="dagId">The DAG id.</param>
    /// <returns>The DAG.</returns>
    [Function(FunctionNames.GetDag)]
    public Task<IResult> GetDag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dags/{dagId}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string dagId) =>
        this.gate.RunAsync(request, () => DagEndpoints.ShowAsync(request.HttpContext, this.runs.Create(client), this.time, dagId));

    /// <summary>Starts one run per schedule point of a range.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="dagId">The DAG id.</param>
    /// <returns>202 with the runs.</returns>
    [Function(FunctionNames.BackfillDag)]
    public Task<IResult> BackfillDag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/dags/{dagId}/backfill")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string dagId) =>
        this.gate.RunAsync(request, () => DagEndpoints.BackfillAsync(request.HttpContext, this.runs.Create(client), dagId));

    /// <summary>Pauses a DAG: the scheduler starts no runs of it until it is unpaused.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="dagId">The DAG id.</param>
    /// <returns>The new state.</returns>
    [Function(FunctionNames.PauseDag)]
    public Task<IResult> PauseDag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/dags/{dagId}/pause")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string dagId) =>
        this.gate.RunAsync(request, () => DagEndpoints.SetPausedAsync(request.HttpContext, this.runs.Create(client), dagId, paused: true));

    /// <summary>Unpauses a DAG.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="dagId">The DAG id.</param>
    /// <returns>The new state.</returns>
    [Function(FunctionNames.UnpauseDag)]
    public Task<IResult> UnpauseDag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/dags/{dagId}/unpause")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string dagId) =>
        this.gate.RunAsync(request, () => DagEndpoints.SetPausedAsync(request.HttpContext, this.runs.Create(client), dagId, paused: false));
}
