using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Slots;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Pools;

/// <summary>
/// Reads the configured pools' occupancy from the slot table (<see cref="ConcurrencySlots"/>), for the API and the
/// dashboard: one partition read per pool. <c>default_pool</c> is always listed, as in Airflow, unlimited unless sized.
/// </summary>
public sealed class PoolOccupancy
{
    private readonly ConcurrencySlots slots;
    private readonly IReadOnlyDictionary<string, PoolOptions> pools;

    /// <summary>Initializes a new instance of the <see cref="PoolOccupancy"/> class.</summary>
    /// <param name="account">The storage account.</param>
    /// <param name="slotTable">The slot table name.</param>
    /// <param name="pools">The configured pools by name.</param>
    public PoolOccupancy(StorageAccount account, string slotTable, IReadOnlyDictionary<string, PoolOptions> pools)
    {
        ArgumentNullException.ThrowIfNull(account);
        this.slots = new ConcurrencySlots(account.Tables.GetTableClient(slotTable));
        this.pools = pools ?? throw new ArgumentNullException(nameof(pools));
    }

    /// <summary>Lists every pool, by name, with its holders and waiters.</summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The pools.</returns>
    public async Task<IReadOnlyList<PoolInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var names = PoolLimits.Limited(this.pools).Select(p => p.Key).Append(EffectiveTaskSettings.DefaultPool).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var result = new List<PoolInfo>();
        foreach (var name in names)
        {
            PoolLimits.TryFind(this.pools, name, out var size);
            var description = this.pools.TryGetValue(name, out var options) ? options.Description : null;
            if (size is null)
            {
                // Unlimited: its tasks take no slot, so there is nothing stored to read.
                result.Add(new PoolInfo(name, null, 0, 0, description ?? "unlimited: set Serverless__Pools__default_pool__Slots to limit tasks that name no pool", [], []));
                continue;
            }

            var state = await this.slots.ReadAsync(PoolLimits.Scope(name), cancellationToken).ConfigureAwait(false);
            var holders = state.Holders.GroupBy(h => h.Holder, StringComparer.Ordinal)
                .Select(g => Describe(g.Key, g.Count(), null, g.Min(h => h.Since)))
                .OfType<PoolAttemptInfo>()
                .OrderBy(h => h.Since)
                .ToList();
            var waiters = state.Waiters.Select(w => Describe(w.Holder, w.Count, w.Priority, w.Since)).OfType<PoolAttemptInfo>().ToList();
            result.Add(new PoolInfo(name, size, state.Holders.Count, waiters.Count, description, holders, waiters));
        }

        return result;
    }

    private static PoolAttemptInfo? Describe(string holder, int count, int? priority, DateTimeOffset? since) =>
        PoolHolder.Parse(holder) is { } parsed ? new PoolAttemptInfo(parsed.RunId, parsed.TaskId, parsed.MapIndex, parsed.Attempt, count, priority, since) : null;
}
