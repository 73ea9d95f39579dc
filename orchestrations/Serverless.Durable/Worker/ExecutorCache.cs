using System.Collections.Concurrent;
using Azure;
using Serverless.Durable.Replay;

namespace Serverless.Durable.Worker;

/// <summary>
/// Replayed orchestrators kept between episodes, keyed by instance id and valid only while the
/// sentinel's ETag is the one this worker wrote: a big fan-in then applies each batch of results
/// without replaying the whole history.
/// </summary>
internal sealed class ExecutorCache(int capacity)
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>Gets the cached executor of an instance, or null.</summary>
    public Entry? Get(string instanceId) => this.entries.TryGetValue(instanceId, out Entry? entry) ? entry : null;

    public void Set(string instanceId, Entry entry)
    {
        if (capacity <= 0)
        {
            return;
        }

        if (this.entries.Count >= capacity && !this.entries.ContainsKey(instanceId))
        {
            // Evict an arbitrary entry: a miss costs one replay, never correctness.
            foreach (string key in this.entries.Keys.Take(Math.Max(1, capacity / 10)))
            {
                this.entries.TryRemove(key, out _);
            }
        }

        this.entries[instanceId] = entry;
    }

    public void Remove(string instanceId) => this.entries.TryRemove(instanceId, out _);

    /// <summary>A cached executor and the state it was cached at.</summary>
    /// <param name="Executor">The executor.</param>
    /// <param name="ETag">The sentinel ETag after this worker's last write.</param>
    /// <param name="WrittenStatus">The status last written to the instances table.</param>
    /// <param name="WrittenCustomStatus">The custom status last written.</param>
    internal sealed record Entry(OrchestrationExecutor Executor, ETag ETag, OrchestrationRuntimeStatus WrittenStatus, string? WrittenCustomStatus);
}
