namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="AcquireRunSlot"/> and <see cref="ReleaseRunSlot"/>.</summary>
/// <param name="DagId">The DAG whose run slots are meant (scope <c>runs-{dagId}</c>).</param>
/// <param name="Limit">The DAG's max active runs.</param>
/// <param name="RunId">The run that takes or gives back a slot.</param>
public sealed record RunSlotRequest(string DagId, int Limit, string RunId)
{
    /// <summary>Gets the slot scope of the DAG's runs.</summary>
    public string Scope => "runs-" + this.DagId;
}
