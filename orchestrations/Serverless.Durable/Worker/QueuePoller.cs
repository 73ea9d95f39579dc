using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Serverless.Durable.Diagnostics;
using Serverless.Durable.Messaging;

namespace Serverless.Durable.Worker;

/// <summary>
/// Polls one queue: receives up to 32 messages while handler slots are free, keeps each message
/// invisible while its handler runs, deletes it when the handler returns, and lets it reappear soon
/// when the handler throws. An empty queue backs the polling off up to the configured maximum; a send
/// from this process (or a timer it set) wakes the poller at once.
/// </summary>
internal sealed class QueuePoller : IDisposable
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(50);

    private readonly TaskHubQueue queue;
    private readonly TimeSpan visibilityTimeout;
    private readonly TimeSpan maxInterval;
    private readonly Func<QueueMessage, CancellationToken, Task> handler;
    private readonly ILogger logger;
    private readonly SemaphoreSlim slots;
    private readonly object signalLock = new();
    private TaskCompletionSource signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public QueuePoller(TaskHubQueue queue, int maxConcurrency, TimeSpan visibilityTimeout, TimeSpan maxInterval, Func<QueueMessage, CancellationToken, Task> handler, ILogger logger)
    {
        this.queue = queue;
        this.visibilityTimeout = visibilityTimeout;
        this.maxInterval = maxInterval;
        this.handler = handler;
        this.logger = logger;
        this.slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        queue.Sent += this.OnSent;
    }

    /// <summary>Gets the number of receive calls, for the idle-cost figures.</summary>
    public long Receives { get; private set; }

    public void Dispose()
    {
        this.queue.Sent -= this.OnSent;
        this.slots.Dispose();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        TimeSpan interval = MinInterval;
        var inFlight = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await this.slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                int free = this.slots.CurrentCount + 1;
                QueueMessage[] messages;
                try
                {
                    this.Receives++;
                    messages = await this.queue.ReceiveAsync(Math.Min(32, free), this.visibilityTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    this.slots.Release();
                    this.logger.PollFailed(error, this.queue.Name);
                    await this.WaitAsync(this.maxInterval, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (messages.Length == 0)
                {
                    this.slots.Release();
                    await this.WaitAsync(interval, cancellationToken).ConfigureAwait(false);
                    interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, this.maxInterval.Ticks));
                    continue;
                }

                for (int i = 1; i < messages.Length; i++)
                {
                    // Cannot block: only this loop takes slots, and it asked for no more than were free.
                    await this.slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                inFlight.RemoveAll(t => t.IsCompleted);
                foreach (QueueMessage message in messages)
                {
                    inFlight.Add(Task.Run(() => this.HandleOneAsync(message, cancellationToken), CancellationToken.None));
                }

                if (messages.Length < Math.Min(32, free))
                {
                    // Fewer than asked for: the queue is drained for now. Wait for a local send or the
                    // backoff instead of spending an empty receive right away.
                    interval = MinInterval;
                    await this.WaitAsync(interval, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    interval = MinInterval;
                }
            }
        }

        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private async Task HandleOneAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        string popReceipt = message.PopReceipt;
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task renewing = Task.Run(
            async () =>
            {
                // Keep the message invisible while the handler runs, so no other worker takes it.
                while (true)
                {
                    await Task.Delay(this.visibilityTimeout / 2, renewal.Token).ConfigureAwait(false);
                    string? renewed = await this.queue.RenewAsync(message.MessageId, Volatile.Read(ref popReceipt), this.visibilityTimeout, renewal.Token).ConfigureAwait(false);
                    if (renewed is null)
                    {
                        return;
                    }

                    Volatile.Write(ref popReceipt, renewed);
                }
            },
            CancellationToken.None);
        try
        {
            await this.handler(message, cancellationToken).ConfigureAwait(false);
            await renewal.CancelAsync().ConfigureAwait(false);
            await IgnoreCancellation(renewing).ConfigureAwait(false);
            await this.queue.DeleteAsync(message.MessageId, Volatile.Read(ref popReceipt), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            await renewal.CancelAsync().ConfigureAwait(false);
            await IgnoreCancellation(renewing).ConfigureAwait(false);
            if (!cancellationToken.IsCancellationRequested)
            {
                this.logger.MessageFailed(error, this.queue.Name, message.DequeueCount);

                // Retry soon rather than after the whole visibility timeout, backing off per delivery.
                TimeSpan retryAfter = TimeSpan.FromMilliseconds(Math.Min(250 * Math.Pow(2, message.DequeueCount - 1), 10_000));
                try
                {
                    await this.queue.RenewAsync(message.MessageId, Volatile.Read(ref popReceipt), retryAfter, CancellationToken.None).ConfigureAwait(false);
                    this.Nudge(retryAfter);
                }
                catch (Exception)
                {
                    // It will reappear when its visibility timeout ends.
                }
            }
        }
        finally
        {
            this.slots.Release();
        }
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnSent(TimeSpan delay) => this.Nudge(delay);

    private void Nudge(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            lock (this.signalLock)
            {
                this.signal.TrySetResult();
            }

            return;
        }

        if (delay < TimeSpan.FromHours(1))
        {
            _ = Task.Delay(delay + TimeSpan.FromMilliseconds(50)).ContinueWith(_ => this.Nudge(TimeSpan.Zero), TaskScheduler.Default);
        }
    }

    private async Task WaitAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        Task signalled;
        lock (this.signalLock)
        {
            if (this.signal.Task.IsCompleted)
            {
                this.signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return;
            }

            signalled = this.signal.Task;
        }

        await Task.WhenAny(signalled, Task.Delay(interval, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        lock (this.signalLock)
        {
            if (this.signal.Task.IsCompleted)
            {
                this.signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }
}
