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
/// Durable activity: takes a task attempt's slots of its pool (see <see cref="ConcurrencySlots"/>) in priority order,
/// or reports that it must wait, or that it never can here (the pool is not configured on this host, or has fewer
/// slots than the task takes). A slot whose holder's orchestration has ended (terminated, purged) is taken over when
/// the host has a <see cref="DurableTaskClient"/> to ask.
/// </summary>
/// <remarks>Runs at least once; a repeat returns the slots the attempt already holds.</remarks>
public sealed class AcquirePoolSlot : TaskActivity<PoolSlotRequest, PoolSlotAnswer>
{
    private readonly ConcurrencySlots slots;
    private readonly PipelineOptions options;
    private readonly DurableTaskClient? client;

    /// <summary>Initializes a new instance of the <see cref="AcquirePoolSlot"/> class.</summary>
    /// <param name="account">The storage account.</param>
    /// <param name="options">The pipeline options (the pools).</param>
    /// <param name="services">The services (an optional <see cref="DurableTaskClient"/>).</param>
    public AcquirePoolSlot(StorageAccount account, IOptions<PipelineOptions> options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        this.slots = new ConcurrencySlots(account.Tables.GetTableClient(PipelineResourceNames.SlotTable));
        this.options = options.Value;
        this.client = services.GetService<DurableTaskClient>();
    }

    /// <inheritdoc/>
    public override async Task<PoolSlotAnswer> RunAsync(TaskActivityContext context, PoolSlotRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (PoolLimits.Problem(this.options.Pools, input.Pool, input.Slots) is { } problem)
        {
            return new PoolSlotAnswer(false, problem);
        }

        if (!PoolLimits.TryFind(this.options.Pools, input.Pool, out var limit) || limit is not { } size)
        {
            // Unlimited here (default_pool without a size): nothing to take.
            return new PoolSlotAnswer(true);
        }

        Func<string, CancellationToken, Task<bool>>? active = this.client is { } durable
            ? (holder, token) => PoolHolder.Parse(holder) is { } other ? OrchestrationLiveness.IsActiveAsync(durable, other.InstanceId, token) : Task.FromResult(false)
            : null;
        var request = new SlotRequest(PoolLimits.Scope(input.Pool), size, input.Holder)
        {
            Count = input.Slots,
            Waiter = new SlotWaiter(input.Priority, input.EnqueuedAt),
        };
        return new PoolSlotAnswer(await this.slots.TryAcquireAsync(request, active, CancellationToken.None).ConfigureAwait(false) is not null);
    }
}
