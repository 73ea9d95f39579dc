using System.Threading.Channels;
using Serverless.Durable.Tracking;

namespace Serverless.Durable.Worker;

/// <summary>
/// Delivers activity results to their instances in batches: the results that finish while a delivery
/// is in flight go out together, one inbox transaction and one wake-up per instance. A fan-in of
/// 1,000 results then costs a few dozen wake-ups instead of 1,000.
/// </summary>
internal sealed class ActivityResultBatcher : IAsyncDisposable
{
    private readonly TaskHub hub;
    private readonly Channel<Pending> channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task loop;

    public ActivityResultBatcher(TaskHub hub)
    {
        this.hub = hub;
        this.loop = Task.Run(this.RunAsync);
    }

    /// <summary>Queues a result and completes when it is durably in the instance's inbox and the instance was woken.</summary>
    public Task DeliverAsync(string instanceId, InboxEntry entry)
    {
        var pending = new Pending(instanceId, entry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!this.channel.Writer.TryWrite(pending), this);

        return pending.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        this.channel.Writer.TryComplete();
        await this.loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>();
        while (await this.channel.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < 1000 && this.channel.Reader.TryRead(out Pending? item))
            {
                batch.Add(item);
            }

            await Task.WhenAll(batch.GroupBy(p => p.InstanceId, StringComparer.Ordinal).Select(this.DeliverGroupAsync)).ConfigureAwait(false);
        }
    }

    private async Task DeliverGroupAsync(IGrouping<string, Pending> group)
    {
        try
        {
            await this.hub.DeliverAsync(group.Key, group.Select(p => p.Entry).ToList(), CancellationToken.None).ConfigureAwait(false);
            foreach (Pending pending in group)
            {
                pending.Completion.TrySetResult();
            }
        }
        catch (Exception error)
        {
            foreach (Pending pending in group)
            {
                pending.Completion.TrySetException(error);
            }
        }
    }

    private sealed record Pending(string InstanceId, InboxEntry Entry, TaskCompletionSource Completion);
}
