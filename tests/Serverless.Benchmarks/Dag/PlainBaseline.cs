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

    /// <summary>Fans out <paramref name="count"/> no-op activities and returns activities per second from schedule to completion.</summary>
    /// <param name="client">The durable client.</param>
    /// <param name="count">The number of activities.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The rate.</returns>
    public static async Task<double> FanOutPerSecondAsync(DurableTaskClient client, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var clock = Stopwatch.StartNew();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(PlainFanOut), count, cancellationToken);
        await client.WaitForInstanceCompletionAsync(id, false, cancellationToken);
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Registers the baseline orchestrators and activity.</summary>
    /// <param name="registry">The worker's registry.</param>
    /// <returns>The registry.</returns>
    public static DurableTaskRegistry AddPlainBaseline(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.AddOrchestrator<PlainSequence>().AddOrchestrator<PlainFanOut>().AddActivity<PlainNoOp>();
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
