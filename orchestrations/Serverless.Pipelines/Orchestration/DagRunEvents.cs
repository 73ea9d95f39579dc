namespace Serverless.Pipelines.Orchestration;

/// <summary>Names of the events <see cref="DagRunOrchestrator"/> handles itself.</summary>
public static class DagRunEvents
{
    /// <summary>
    /// Asks a run to stop: it cancels the backend jobs of running task instances, marks them failed, skips tasks not
    /// started and ends failed. The payload is the reason (a string).
    /// </summary>
    public const string Cancel = "serverless.cancel";
}
