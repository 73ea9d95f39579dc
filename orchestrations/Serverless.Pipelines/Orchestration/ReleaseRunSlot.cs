using Microsoft.DurableTask;
using Serverless.Pipelines.Service;
using Serverless.Pipelines.Slots;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Orchestration;

/// <summary>Durable activity: gives back the run slot a run holds (see <see cref="AcquireRunSlot"/>).</summary>
/// <remarks>Runs at least once; a repeat finds nothing to release.</remarks>
public sealed class ReleaseRunSlot : TaskActivity<RunSlotRequest, int>
{
    private readonly ConcurrencySlots slots;

    /// <summary>Initializes a new instance of the <see cref="ReleaseRunSlot"/> class.</summary>
    /// <param name="account">The storage account.</param>
    public ReleaseRunSlot(StorageAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        this.slots = new ConcurrencySlots(account.Tables.GetTableClient(PipelineResourceNames.SlotTable));
    }

    /// <inheritdoc/>
    public override Task<int> RunAsync(TaskActivityContext context, RunSlotRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return this.slots.ReleaseAsync(input.Scope, input.RunId, CancellationToken.None);
    }
}
