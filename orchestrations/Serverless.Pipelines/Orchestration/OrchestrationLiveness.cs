using Microsoft.DurableTask.Client;

namespace Serverless.Pipelines.Orchestration;

/// <summary>Tells whether the orchestration that holds a slot still runs; one that has ended (completed, failed, terminated, purged) runs no more code, so its slots may be taken over.</summary>
internal static class OrchestrationLiveness
{
    public static async Task<bool> IsActiveAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(instanceId, false, cancellationToken).ConfigureAwait(false);
        return instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended };
    }
}
