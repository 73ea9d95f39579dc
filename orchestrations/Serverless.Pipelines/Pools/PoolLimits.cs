using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Pools;

/// <summary>
/// Reads the configured pools (settings <c>Serverless__Pools__NAME__…</c>) one way for validation, runs and the API:
/// a named pool has the slots its setting gives (at least 1); <see cref="EffectiveTaskSettings.DefaultPool"/> has the
/// slots its setting gives, or no limit when it has none.
/// </summary>
public static class PoolLimits
{
    /// <summary>Gets the slot scope of a pool: partition <c>pool-{name}</c> of the slot table.</summary>
    /// <param name="pool">The pool name.</param>
    /// <returns>The scope.</returns>
    public static string Scope(string pool) => "pool-" + pool;

    /// <summary>Finds a pool's slot count.</summary>
    /// <param name="pools">The configured pools by name.</param>
    /// <param name="pool">The pool name.</param>
    /// <param name="slots">The slot count, or <see langword="null"/> for an unlimited pool.</param>
    /// <returns><see langword="true"/> when the pool exists (configured with slots, or the default pool).</returns>
    public static bool TryFind(IReadOnlyDictionary<string, PoolOptions> pools, string pool, out int? slots)
    {
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(pool);
        if (pools.TryGetValue(pool, out var options) && options.Slots >= 1)
        {
            slots = options.Slots;
            return true;
        }

        slots = null;
        return string.Equals(pool, EffectiveTaskSettings.DefaultPool, StringComparison.Ordinal);
    }

    /// <summary>Gets the pools that limit their tasks: every configured pool with at least one slot, by name.</summary>
    /// <param name="pools">The configured pools by name.</param>
    /// <returns>Name → slots, in name order.</returns>
    public static IReadOnlyList<KeyValuePair<string, int>> Limited(IReadOnlyDictionary<string, PoolOptions> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        return [.. pools.Where(p => p.Value.Slots >= 1 && DagIdentifiers.IsValidDagId(p.Key)).Select(p => KeyValuePair.Create(p.Key, p.Value.Slots)).OrderBy(p => p.Key, StringComparer.Ordinal)];
    }

    /// <summary>Gets the problem with a task's pool fields under these settings, or <see langword="null"/> when it can run.</summary>
    /// <param name="pools">The configured pools by name.</param>
    /// <param name="pool">The task's effective pool.</param>
    /// <param name="poolSlots">The task's effective pool slots.</param>
    /// <returns>The problem.</returns>
    public static string? Problem(IReadOnlyDictionary<string, PoolOptions> pools, string pool, int poolSlots)
    {
        if (!TryFind(pools, pool, out var slots))
        {
            return $"pool '{pool}' is not configured: set Serverless__Pools__{pool}__Slots (configured: {Names(pools)})";
        }

        return slots is { } size && poolSlots > size
            ? $"poolSlots {poolSlots} is more than pool '{pool}' has ({size}): the task could never run"
            : null;
    }

    private static string Names(IReadOnlyDictionary<string, PoolOptions> pools)
    {
        var names = Limited(pools).Select(p => p.Key).Where(n => n != EffectiveTaskSettings.DefaultPool).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }
}
