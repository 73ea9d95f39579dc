namespace Serverless.Functions.Functions;

/// <summary>The function names: what <c>functions.metadata</c>, the portal and the local host's route table show.</summary>
public static class FunctionNames
{
    /// <summary>POST api/dags/{dagId}/runs.</summary>
    public const string TriggerRun = nameof(TriggerRun);

    /// <summary>GET api/runs/{runId}.</summary>
    public const string GetRun = nameof(GetRun);

    /// <summary>GET api/runs.</summary>
    public const string ListRuns = nameof(ListRuns);

    /// <summary>GET api/task-instances.</summary>
    public const string ListTaskInstances = nameof(ListTaskInstances);

    /// <summary>POST api/runs/{runId}/terminate.</summary>
    public const string TerminateRun = nameof(TerminateRun);

    /// <summary>POST api/runs/{runId}/events/{name}.</summary>
    public const string RaiseEvent = nameof(RaiseEvent);

    /// <summary>POST api/runs/{runId}/rerun.</summary>
    public const string RerunRun = nameof(RerunRun);

    /// <summary>GET api/notifications/dead-letters.</summary>
    public const string ListDeadLetters = nameof(ListDeadLetters);

    /// <summary>POST api/runs/{runId}/mark.</summary>
    public const string MarkRun = nameof(MarkRun);

    /// <summary>DELETE api/runs/{runId}.</summary>
    public const string PurgeRun = nameof(PurgeRun);

    /// <summary>GET api/runs/{runId}/manifest.</summary>
    public const string GetRunManifest = nameof(GetRunManifest);

    /// <summary>GET api/runs/{runId}/tasks/{taskId}/logs.</summary>
    public const string GetTaskLog = nameof(GetTaskLog);

    /// <summary>GET api/pools.</summary>
    public const string ListPools = nameof(ListPools);

    /// <summary>GET api/dags.</summary>
    public const string ListDags = nameof(ListDags);

    /// <summary>POST api/dags/validate.</summary>
    public const string ValidateDag = nameof(ValidateDag);

    /// <summary>POST api/dags/refresh.</summary>
    public const string RefreshDags = nameof(RefreshDags);

    /// <summary>GET api/dags/{dagId}.</summary>
    public const string GetDag = nameof(GetDag);

    /// <summary>POST api/dags/{dagId}/backfill.</summary>
    public const string BackfillDag = nameof(BackfillDag);

    /// <summary>POST api/dags/{dagId}/pause.</summary>
    public const string PauseDag = nameof(PauseDag);

    /// <summary>POST api/dags/{dagId}/unpause.</summary>
    public const string UnpauseDag = nameof(UnpauseDag);

    /// <summary>GET api/health (anonymous).</summary>
    public const string Health = nameof(Health);

    /// <summary>GET api/openapi.json.</summary>
    public const string OpenApi = nameof(OpenApi);

    /// <summary>Every other path under api/: the app's problem+json 404.</summary>
    public const string ApiNotFound = nameof(ApiNotFound);

    /// <summary>The dashboard's static files at / (anonymous).</summary>
    public const string Dashboard = nameof(Dashboard);

    /// <summary>The scheduler tick (timer).</summary>
    public const string Scheduler = nameof(Scheduler);

    /// <summary>The daily purge of old runs (timer).</summary>
    public const string Maintenance = nameof(Maintenance);
}
