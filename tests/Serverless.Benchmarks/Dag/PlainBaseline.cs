using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Serverless.Benchmarks.Dag;

/// <summary>
/// The baselines of <c>./bench.sh dag</c>, on the same worker and task hub as the DAG runs: a plain sequential
/// orchestration of no-op activities (its activity-to-activity hop) and a plain fan-out of no-op activities (its
/// activities per second).
/// </summary>
public static class PlainBaseline
{
    /// <summary>Gets the start and end of every no-op activity by index, on the <see cref="Stopwatch"/> clock.</summary>
    internal static ConcurrentDictionary<int, (long Start, long End)> Activities { get; } = new();

    /// <summary>Runs <paramref name="count"/> no-op activities in sequence and returns the hops (one activity's end to the next one's start) in milliseconds.</summary>
    /// <param name="client">The durable client.</param>
    /// <param name="count">The number of activities.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The hops, unsorted.</returns>
    public static async Task<List<double>> SequentialHopsAsync(DurableTaskClient client, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        Activities.Clear();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(PlainSequence), count, cancellationToken);
        await client.WaitForInstanceCompletionAsync(id, false, cancellationToken);
        var hops = new List<double>();
        for (var i = 1; i < count; i++)
        {
            hops.Add(Stopwatch.GetElapsedTime(Activities[i - 1].End, Activities[i].Start).TotalMilliseconds);
        }

        return hops;
    }

    /// <summary>
    /// Fans out <paramref name="count"/> no-op activities and returns activities per second from schedule to
    /// completion. With a <paramref name="chunk"/> (the map's chunk size) below the count, the plain orchestration
    /// fans out sub-orchestrations of at most that many activities each, all at once, as a mapped task's chunks
    /// split its instances: one orchestration of 10,001 activities replays a history that grows with every
    /// completion (more than 20 minutes on 2 cores), which measures the history, not the fan-out the map is held to.
    /// </summary>
    /// <param name="client">The durable client.</param>
    /// <param name="count">The number of activities.</param>
    /// <param name="chunk">The most activities per orchestration; 0 puts all of them in one.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The rate.</returns>
    public static async Task<double> FanOutPerSecondAsync(DurableTaskClient client, int count, int chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var clock = Stopwatch.StartNew();
        var id = chunk > 0 && count > chunk
            ? await client.ScheduleNewOrchestrationInstanceAsync(nameof(PlainChunkedFanOut), new PlainChunks(count, chunk), cancellationToken)
            : await client.ScheduleNewOrchestrationInstanceAsync(nameof(PlainFanOut), count, cancellationToken);
        await client.WaitForInstanceCompletionAsync(id, false, cancellationToken);
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Splits <paramref name="count"/> activities into chunks of <paramref name="chunk"/>, the last one holding the rest.</summary>
    /// <param name="count">The number of activities.</param>
    /// <param name="chunk">The most per chunk (at least 1).</param>
    /// <returns>The size of each chunk, in order.</returns>
    public static IEnumerable<int> ChunkSizes(int count, int chunk)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        for (var first = 0; first < count; first += chunk)
        {
            yield return Math.Min(chunk, count - first);
        }
    }

    /// <summary>Registers the baseline orchestrators and activity.</summary>
    /// <param name="registry">The worker's registry.</param>
    /// <returns>The registry.</returns>
    public static DurableTaskRegistry AddPlainBaseline(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.AddOrchestrator<PlainSequence>().AddOrchestrator<PlainFanOut>().AddOrchestrator<PlainChunkedFanOut>().AddActivity<PlainNoOp>();
    }

    /// <summary>Calls <see cref="PlainNoOp"/> n times in sequence.</summary>
    internal sealed class PlainSequence : TaskOrchestrator<int, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
        {
            for (var i = 0; i < input; i++)
            {
                await context.CallActivityAsync<int>(nameof(PlainNoOp), i);
            }

            return input;
        }
    }

    /// <summary>Calls <see cref="PlainNoOp"/> n times at once.</summary>
    internal sealed class PlainFanOut : TaskOrchestrator<int, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
        {
            var all = await Task.WhenAll(Enumerable.Range(0, input).Select(i => context.CallActivityAsync<int>(nameof(PlainNoOp), -1 - i)));
            return all.Length;
        }
    }

    /// <summary>Calls <see cref="PlainFanOut"/> as sub-orchestrations of at most <see cref="PlainChunks.Chunk"/> activities each, all at once.</summary>
    internal sealed class PlainChunkedFanOut : TaskOrchestrator<PlainChunks, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, PlainChunks input)
        {
            var all = await Task.WhenAll(ChunkSizes(input.Count, input.Chunk).Select(size => context.CallSubOrchestratorAsync<int>(nameof(PlainFanOut), size)));
            return all.Sum();
        }
    }

    /// <summary>The input of <see cref="PlainChunkedFanOut"/>.</summary>
    /// <param name="Count">The number of activities.</param>
    /// <param name="Chunk">The most activities per sub-orchestration.</param>
    internal sealed record PlainChunks(int Count, int Chunk);

    /// <summary>Does nothing but note when it ran (non-negative inputs only).</summary>
    internal sealed class PlainNoOp : TaskActivity<int, int>
    {
        public override Task<int> RunAsync(TaskActivityContext context, int input)
        {
            if (input >= 0)
            {
                var now = Stopwatch.GetTimestamp();
                Activities[input] = (now, now);
            }

            return Task.FromResult(input);
        }
    }
}
