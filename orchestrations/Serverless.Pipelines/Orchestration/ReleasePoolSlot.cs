using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Pools;
using Serverless.Pipelines.Service;
using Serverless.Pipelines.Slots;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Durable activity: gives back a task attempt's pool slots and its waiter row (see <see cref="AcquirePoolSlot"/>),
/// then, when the host has a <see cref="DurableTaskClient"/>, wakes the waiters that the freed slots now fit (event
/// <see cref="DagRunEvents.PoolSlotFreed"/>) so they ask at once instead of at their next timer.
/// </summary>
/// <remarks>Runs at least once; a repeat finds nothing to release and wakes the same waiters, who then ask once more.</remarks>
public sealed class ReleasePoolSlot : TaskActivity<PoolSlotRequest, int>
{
    private readonly ConcurrencySlots slots;
    private readonly PipelineOptions options;
    private readonly DurableTaskClient? client;

    /// <summary>Initializes a new instance of the <see cref="ReleasePoolSlot"/> class.</summary>
    /// <param name="account">The storage account.</param>
    /// <param name="options">The pipeline options (the pools).</param>
    /// <param name="services">The services (an optional <see cref="DurableTaskClient"/>).</param>
    public ReleasePoolSlot(StorageAccount account, IOptions<PipelineOptions> options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        this.slots = new ConcurrencySlots(account.Tables.GetTableClient(PipelineResourceNames.SlotTable));
        this.options = options.Value;
        this.client = services.GetService<DurableTaskClient>();
    }

    /// <inheritdoc/>
    public override async Task<int> RunAsync(TaskActivityContext context, PoolSlotRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var scope = PoolLimits.Scope(input.Pool);
        var released = await this.slots.ReleaseAsync(scope, input.Holder, CancellationToken.None).ConfigureAwait(false);
        if (this.client is not { } durable || !PoolLimits.TryFind(this.options.Pools, input.Pool, out var limit) || limit is not { } size)
        {
            return released;
        }

        var state = await this.slots.ReadAsync(scope, CancellationToken.None).ConfigureAwait(false);
        var free = size - state.Holders.Count(h => h.Slot < size);
        foreach (var waiter in state.Waiters)
        {
            if (waiter.Count > free || PoolHolder.Parse(waiter.Holder) is not { } holder)
            {
                break;
            }

            free -= waiter.Count;
            try
            {
                await durable.RaiseEventAsync(holder.InstanceId, DagRunEvents.PoolSlotFreed(waiter.Holder), input.Holder, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A wake-up is only a shortcut: the waiter asks again on its timer anyway.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        return released;
    }
}
