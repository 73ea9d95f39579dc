using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Pipelines.Service;
using Serverless.Pipelines.Slots;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Durable activity: takes one of a DAG's <c>maxActiveRuns</c> run slots for a run (see <see cref="ConcurrencySlots"/>),
/// or reports that all are held. A slot whose holder has ended without giving it back (terminated, purged) is taken
/// over when the host has a <see cref="DurableTaskClient"/> to ask.
/// </summary>
/// <remarks>Runs at least once; a repeat returns the slot the run already holds.</remarks>
public sealed class AcquireRunSlot : TaskActivity<RunSlotRequest, bool>
{
    private readonly ConcurrencySlots slots;
    private readonly DurableTaskClient? client;

    /// <summary>Initializes a new instance of the <see cref="AcquireRunSlot"/> class.</summary>
    /// <param name="account">The storage account.</param>
    /// <param name="services">The services (an optional <see cref="DurableTaskClient"/>).</param>
    public AcquireRunSlot(StorageAccount account, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(services);
        this.slots = new ConcurrencySlots(account.Tables.GetTableClient(PipelineResourceNames.SlotTable));
        this.client = services.GetService<DurableTaskClient>();
    }

    /// <inheritdoc/>
    public override async Task<bool> RunAsync(TaskActivityContext context, RunSlotRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Func<string, CancellationToken, Task<bool>>? active = this.client is { } durable ? (runId, token) => OrchestrationLiveness.IsActiveAsync(durable, runId, token) : null;
        return await this.slots.TryAcquireAsync(input.Scope, Math.Max(1, input.Limit), input.RunId, active, CancellationToken.None).ConfigureAwait(false) is not null;
    }
}
