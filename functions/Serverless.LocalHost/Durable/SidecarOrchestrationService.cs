using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Microsoft.DurableTask.Testing.Sidecar.Dispatcher;

namespace Serverless.LocalHost.Durable;

/// <summary>
/// DurableTask.AzureStorage as the gRPC sidecar needs it. The sidecar was written for its in-memory backend and
/// hands the provider three things the provider's serialization cannot read back; this decorator rewrites both before
/// they are stored and forwards everything else unchanged:
/// <list type="bullet">
/// <item>sub-orchestration start messages whose tags are a protobuf <c>MapField</c> (the provider's type-named JSON
/// cannot deserialize it, so the child never starts): copied into a <see cref="Dictionary{TKey, TValue}"/>;</item>
/// <item>the sidecar's <see cref="GrpcSubOrchestrationInstanceCreatedEvent"/> in history (the history table cannot
/// read the subclass back and the parent stalls): replaced with a plain <see cref="SubOrchestrationInstanceCreatedEvent"/>.</item>
/// <item>timer messages: a queue's visibility delay has whole seconds, so the provider delivered a timer up to a second
/// early (a 1 s timer at once); the delay is rounded up so a durable timer never fires early.</item>
/// </list>
/// </summary>
internal sealed class SidecarOrchestrationService :
    IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient, IDisposable
{
    private static readonly TimeSpan VisibilityMargin = TimeSpan.FromMilliseconds(500);
    private readonly IOrchestrationService service;
    private volatile bool started;
    private readonly IOrchestrationServiceClient client;
    private readonly IOrchestrationServiceQueryClient query;
    private readonly IOrchestrationServicePurgeClient purge;

    /// <summary>Initializes a new instance of the <see cref="SidecarOrchestrationService"/> class.</summary>
    /// <param name="inner">The provider (an <c>AzureStorageOrchestrationService</c>).</param>
    public SidecarOrchestrationService(IOrchestrationService inner)
    {
        this.service = inner;
        this.client = (IOrchestrationServiceClient)inner;
        this.query = (IOrchestrationServiceQueryClient)inner;
        this.purge = (IOrchestrationServicePurgeClient)inner;
    }

    /// <inheritdoc/>
    public int TaskOrchestrationDispatcherCount => this.service.TaskOrchestrationDispatcherCount;

    /// <inheritdoc/>
    public int MaxConcurrentTaskOrchestrationWorkItems => this.service.MaxConcurrentTaskOrchestrationWorkItems;

    /// <inheritdoc/>
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => this.service.EventBehaviourForContinueAsNew;

    /// <inheritdoc/>
    public int TaskActivityDispatcherCount => this.service.TaskActivityDispatcherCount;

    /// <inheritdoc/>
    public int MaxConcurrentTaskActivityWorkItems => this.service.MaxConcurrentTaskActivityWorkItems;

    /// <inheritdoc/>
    public async Task StartAsync()
    {
        await this.service.StartAsync().ConfigureAwait(false);
        this.started = true;
    }

    /// <inheritdoc/>
    public Task StopAsync() => this.StopAsync(isForced: false);

    /// <inheritdoc/>
    /// <remarks>
    /// The sidecar calls this from an <c>async void</c> handler of the host's stopping event, where any exception
    /// ends the process; the provider throws when it was never started (no worker connected). So stopping never throws.
    /// </remarks>
    public async Task StopAsync(bool isForced)
    {
        if (!this.started)
        {
            return;
        }

        try
        {
            await this.service.StopAsync(isForced).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // See remarks: an exception here would end the process during shutdown.
        catch (Exception)
#pragma warning restore CA1031
        {
            // Shutting down anyway; the provider's leases expire on their own.
        }
    }

    /// <inheritdoc/>
    public Task CreateAsync() => this.service.CreateAsync();

    /// <inheritdoc/>
    public Task CreateAsync(bool recreateInstanceStore) => this.service.CreateAsync(recreateInstanceStore);

    /// <inheritdoc/>
    public Task CreateIfNotExistsAsync() => this.service.CreateIfNotExistsAsync();

    /// <inheritdoc/>
    public Task DeleteAsync() => this.service.DeleteAsync();

    /// <inheritdoc/>
    public Task DeleteAsync(bool deleteInstanceStore) => this.service.DeleteAsync(deleteInstanceStore);

    /// <inheritdoc/>
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => this.service.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    /// <inheritdoc/>
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => this.service.GetDelayInSecondsAfterOnProcessException(exception);

    /// <inheritdoc/>
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => this.service.GetDelayInSecondsAfterOnFetchException(exception);

    /// <inheritdoc/>
    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        this.service.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    /// <inheritdoc/>
    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => this.service.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    /// <inheritdoc/>
    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        ArgumentNullException.ThrowIfNull(newOrchestrationRuntimeState);
        ReplaceSubclassEvents(newOrchestrationRuntimeState.Events);
        ReplaceSubclassEvents(newOrchestrationRuntimeState.NewEvents);
        ReplaceSubclassEvents(newOrchestrationRuntimeState.PastEvents);
        foreach (var message in orchestratorMessages ?? [])
        {
            PlainTags(message);
        }

        PlainTags(continuedAsNewMessage);
        FireTimersWhenDue(newOrchestrationRuntimeState.NewEvents, timerMessages);
        return this.service.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
    }

    /// <inheritdoc/>
    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => this.service.AbandonTaskOrchestrationWorkItemAsync(workItem);

    /// <inheritdoc/>
    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => this.service.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    /// <inheritdoc/>
    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        this.service.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    /// <inheritdoc/>
    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => this.service.RenewTaskActivityWorkItemLockAsync(workItem);

    /// <inheritdoc/>
    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) => this.service.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    /// <inheritdoc/>
    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => this.service.AbandonTaskActivityWorkItemAsync(workItem);

    /// <inheritdoc/>
    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => this.client.CreateTaskOrchestrationAsync(PlainTags(creationMessage));

    /// <inheritdoc/>
    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses) =>
        this.client.CreateTaskOrchestrationAsync(PlainTags(creationMessage), dedupeStatuses);

    /// <inheritdoc/>
    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => this.client.SendTaskOrchestrationMessageAsync(PlainTags(message));

    /// <inheritdoc/>
    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages) =>
        this.client.SendTaskOrchestrationMessageBatchAsync(messages.Select(PlainTags).ToArray());

    /// <inheritdoc/>
    public Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken) =>
        this.client.WaitForOrchestrationAsync(instanceId, executionId, timeout, cancellationToken);

    /// <inheritdoc/>
    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => this.client.ForceTerminateTaskOrchestrationAsync(instanceId, reason);

    /// <inheritdoc/>
    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) => this.client.GetOrchestrationStateAsync(instanceId, allExecutions);

    /// <inheritdoc/>
    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) => this.client.GetOrchestrationStateAsync(instanceId, executionId);

    /// <inheritdoc/>
    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) => this.client.GetOrchestrationHistoryAsync(instanceId, executionId);

    /// <inheritdoc/>
    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        this.client.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);

    /// <inheritdoc/>
    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken) =>
        this.query.GetOrchestrationWithQueryAsync(query, cancellationToken);

    /// <inheritdoc/>
    public Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) => this.purge.PurgeInstanceStateAsync(instanceId);

    /// <inheritdoc/>
    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter) => this.purge.PurgeInstanceStateAsync(purgeInstanceFilter);

    /// <inheritdoc/>
    public void Dispose() => (this.service as IDisposable)?.Dispose();

    private static TaskMessage PlainTags(TaskMessage message)
    {
        if (message?.Event is ExecutionStartedEvent started && started.Tags is { } tags && tags.GetType() != typeof(Dictionary<string, string>))
        {
            started.Tags = new Dictionary<string, string>(tags);
        }

        return message!;
    }

    // The provider delays a timer's message by TimerFiredEvent.FireAt - now, but a queue's visibility timeout has
    // whole seconds (the SDK sends 0.99 s as 0), so a 1 s timer fired at once and any timer up to a second early.
    // Rounding the delay up to whole seconds, with a margin for the moment the provider reads the clock, makes a
    // durable timer never fire early; it may fire up to about 1.5 s late. FireAt also takes the orchestrator's own
    // time (from its TimerCreatedEvent) where the sidecar left it unset.
    private static void FireTimersWhenDue(IList<HistoryEvent> newEvents, IList<TaskMessage>? timerMessages)
    {
        foreach (var message in timerMessages ?? [])
        {
            if (message.Event is not TimerFiredEvent fired)
            {
                continue;
            }

            if (fired.FireAt == default && newEvents.OfType<TimerCreatedEvent>().FirstOrDefault(c => c.EventId == fired.TimerId) is { } created)
            {
                fired.FireAt = created.FireAt;
            }

            var fireAt = DateTime.SpecifyKind(fired.FireAt, DateTimeKind.Utc);
            var now = DateTime.UtcNow;
            var delay = fireAt - now;
            if (delay > TimeSpan.Zero)
            {
                fireAt = now + TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds)) + VisibilityMargin;
            }

            fired.FireAt = fireAt;
        }
    }

    private static void ReplaceSubclassEvents(IList<HistoryEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is GrpcSubOrchestrationInstanceCreatedEvent grpc)
            {
                events[i] = new SubOrchestrationInstanceCreatedEvent(grpc.EventId)
                {
                    Name = grpc.Name,
                    Version = grpc.Version,
                    InstanceId = grpc.InstanceId,
                    Input = grpc.Input,
                    Timestamp = grpc.Timestamp,
                    IsPlayed = grpc.IsPlayed,
                };
            }
        }
    }
}
