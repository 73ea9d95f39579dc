using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Durable.Diagnostics;
using Serverless.Durable.History;
using Serverless.Durable.Messaging;
using Serverless.Durable.Tracking;

namespace Serverless.Durable.Worker;

/// <summary>
/// Runs orchestrations and activities of one task hub. Two dispatch modes share the same handlers:
/// with polling on, the worker reads its queues itself; under the Azure Functions host, the queue
/// triggers call <see cref="ProcessControlMessageAsync"/> and <see cref="ProcessWorkItemMessageAsync"/>
/// with one message each and delete it when the call returns (a throw means "retry later").
/// </summary>
/// <remarks>
/// Any number of workers may serve one task hub. Activities run at least once; orchestration state
/// transitions happen exactly once (each is a table transaction fenced by an ETag).
/// </remarks>
public sealed class DurableTaskWorker : IHostedService, IAsyncDisposable
{
    private readonly TaskHub hub;
    private readonly OrchestrationProcessor orchestrations;
    private readonly ActivityProcessor activities;
    private readonly ActivityResultBatcher results;
    private readonly ILogger logger;
    private readonly List<QueuePoller> pollers = [];
    private readonly List<Task> pollerTasks = [];
    private readonly Dictionary<string, string> lastErrors = new(StringComparer.Ordinal);
    private CancellationTokenSource? stopping;

    internal DurableTaskWorker(TaskHub hub, DurableTaskRegistry registry, IServiceProvider services, ILoggerFactory loggerFactory, TimeProvider time)
    {
        this.hub = hub;
        this.logger = loggerFactory.CreateLogger("Serverless.Durable.Worker");
        this.results = new ActivityResultBatcher(hub);
        this.orchestrations = new OrchestrationProcessor(hub, registry, services, DataConverter.Default, loggerFactory, time);
        this.activities = new ActivityProcessor(
            registry,
            services.GetRequiredService<IServiceScopeFactory>(),
            DataConverter.Default,
            this.results,
            loggerFactory.CreateLogger("Serverless.Durable.Activities"));
    }

    /// <summary>Gets the number of queue receive calls made by the pollers (for idle-cost measurements).</summary>
    public long PollCount => this.pollers.Sum(p => p.Receives);

    /// <summary>Creates the task hub's resources if needed and, with polling on, starts polling.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (this.hub.Options.CreateResourcesOnStart)
        {
            await this.hub.Storage.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }

        if (this.hub.Options.EnablePolling)
        {
            this.stopping = new CancellationTokenSource();
            DurableEngineOptionsSnapshot options = new(this.hub.Options);
            var control = new QueuePoller(this.hub.Control, options.MaxConcurrentOrchestrationMessages, options.ControlVisibilityTimeout, options.MaxPollingInterval, this.OnControlMessageAsync, this.logger);
            var work = new QueuePoller(this.hub.WorkItems, options.MaxConcurrentActivities, options.WorkItemVisibilityTimeout, options.MaxPollingInterval, this.OnWorkItemMessageAsync, this.logger);
            this.pollers.Add(control);
            this.pollers.Add(work);
            this.pollerTasks.Add(Task.Run(() => control.RunAsync(this.stopping.Token), CancellationToken.None));
            this.pollerTasks.Add(Task.Run(() => work.RunAsync(this.stopping.Token), CancellationToken.None));
        }

        this.logger.WorkerStarted(this.hub.Storage.Names.TaskHub, this.hub.Options.EnablePolling);
    }

    /// <summary>Stops polling and waits for the handlers in flight.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (this.stopping is not null)
        {
            await this.stopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(this.pollerTasks).WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (QueuePoller poller in this.pollers)
            {
                poller.Dispose();
            }

            this.pollers.Clear();
            this.pollerTasks.Clear();
            this.stopping.Dispose();
            this.stopping = null;
        }

        this.logger.WorkerStopped();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await this.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await this.results.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Handles one control-queue message (the Functions queue trigger's entry point).</summary>
    /// <param name="messageText">The message text.</param>
    /// <param name="dequeueCount">How many times it was delivered.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the message may be deleted; a throw means retry.</returns>
    public async Task ProcessControlMessageAsync(string messageText, long dequeueCount, CancellationToken cancellationToken = default)
    {
        ControlQueueMessage? message = await this.DecodeOrKeepAsync(messageText, dequeueCount, this.hub.Control.DecodeControlAsync, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return;
        }

        if (dequeueCount > this.hub.Options.MaxDequeueCount)
        {
            await this.PoisonAsync(message.InstanceId, messageText, dequeueCount, $"a control message for this instance", cancellationToken).ConfigureAwait(false);
            return;
        }

        await this.RememberFailureAsync(messageText, () => this.orchestrations.HandleAsync(message, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Handles one work-item message (the Functions queue trigger's entry point).</summary>
    /// <param name="messageText">The message text.</param>
    /// <param name="dequeueCount">How many times it was delivered.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the message may be deleted; a throw means retry.</returns>
    public async Task ProcessWorkItemMessageAsync(string messageText, long dequeueCount, CancellationToken cancellationToken = default)
    {
        WorkItemMessage? message = await this.DecodeOrKeepAsync(messageText, dequeueCount, this.hub.WorkItems.DecodeWorkItemAsync, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return;
        }

        if (dequeueCount > this.hub.Options.MaxDequeueCount)
        {
            await this.PoisonAsync(message.InstanceId, messageText, dequeueCount, $"the work item of activity '{message.Name}' (task {message.TaskId})", cancellationToken).ConfigureAwait(false);
            return;
        }

        await this.RememberFailureAsync(messageText, () => this.activities.HandleAsync(message, (int)dequeueCount, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Decodes a message; one that cannot be read after the last delivery is kept in the poison queue and skipped.</summary>
    private async Task<T?> DecodeOrKeepAsync<T>(string messageText, long dequeueCount, Func<string, CancellationToken, Task<T>> decode, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await decode(messageText, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (dequeueCount > this.hub.Options.MaxDequeueCount && error is System.Text.Json.JsonException or InvalidDataException or NotSupportedException)
        {
            await this.hub.Poison.KeepAsync(messageText, cancellationToken).ConfigureAwait(false);
            this.logger.PoisonMessage("(unreadable message)", dequeueCount, this.hub.Poison.Name);
            return null;
        }
    }

    private Task OnControlMessageAsync(QueueMessage message, CancellationToken cancellationToken) =>
        this.ProcessControlMessageAsync(message.MessageText, message.DequeueCount, cancellationToken);

    private Task OnWorkItemMessageAsync(QueueMessage message, CancellationToken cancellationToken) =>
        this.ProcessWorkItemMessageAsync(message.MessageText, message.DequeueCount, cancellationToken);

    private async Task RememberFailureAsync(string messageText, Func<Task> handle)
    {
        try
        {
            await handle().ConfigureAwait(false);
            lock (this.lastErrors)
            {
                this.lastErrors.Remove(messageText);
            }
        }
        catch (Exception error)
        {
            lock (this.lastErrors)
            {
                if (this.lastErrors.Count > 10_000)
                {
                    this.lastErrors.Clear();
                }

                this.lastErrors[messageText] = $"{error.GetType().FullName}: {error.Message}";
            }

            throw;
        }
    }

    private async Task PoisonAsync(string instanceId, string messageText, long dequeueCount, string what, CancellationToken cancellationToken)
    {
        string? lastError;
        lock (this.lastErrors)
        {
            this.lastErrors.Remove(messageText, out lastError);
        }

        await this.hub.Poison.KeepAsync(messageText, cancellationToken).ConfigureAwait(false);
        string reason = $"Processing {what} failed {dequeueCount - 1} times; the message was moved to queue '{this.hub.Poison.Name}' for inspection." +
            (lastError is null ? string.Empty : $" Last error: {lastError}");
        var aborted = new ExecutionAbortedEvent(new TaskFailureDetails("PoisonMessage", reason));
        await this.hub.DeliverAsync(instanceId, [new InboxEntry(InboxEventIds.Abort(), aborted, null)], cancellationToken).ConfigureAwait(false);
        this.logger.PoisonMessage(instanceId, dequeueCount, this.hub.Poison.Name);
    }

    /// <summary>A copy of the options taken at start, so later changes to the options object do not half-apply.</summary>
    private sealed record DurableEngineOptionsSnapshot(int MaxConcurrentOrchestrationMessages, int MaxConcurrentActivities, TimeSpan ControlVisibilityTimeout, TimeSpan WorkItemVisibilityTimeout, TimeSpan MaxPollingInterval)
    {
        public DurableEngineOptionsSnapshot(Hosting.DurableEngineOptions options)
            : this(options.MaxConcurrentOrchestrationMessages, options.MaxConcurrentActivities, options.ControlVisibilityTimeout, options.WorkItemVisibilityTimeout, options.MaxPollingInterval)
        {
        }
    }
}
