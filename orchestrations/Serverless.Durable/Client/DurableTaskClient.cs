using Serverless.Durable.History;
using Serverless.Durable.Messaging;
using Serverless.Durable.Storage;
using Serverless.Durable.Tracking;
using Serverless.Durable.Worker;

namespace Serverless.Durable.Client;

/// <summary>
/// Starts, queries and controls orchestration instances, as Microsoft.DurableTask's client does.
/// Thread-safe; one per process is enough.
/// </summary>
public sealed class DurableTaskClient
{
    private readonly TaskHub hub;
    private readonly DataConverter converter = DataConverter.Default;

    internal DurableTaskClient(TaskHub hub)
    {
        this.hub = hub;
    }

    /// <summary>Gets the task hub name.</summary>
    public string TaskHub => this.hub.Storage.Names.TaskHub;

    /// <summary>Creates the task hub's tables, queues and container if they do not exist.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task CreateTaskHubIfNotExistsAsync(CancellationToken cancellationToken = default) =>
        this.hub.Storage.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>Schedules a new orchestration instance.</summary>
    /// <param name="orchestratorName">The orchestrator name (use <c>nameof</c>).</param>
    /// <param name="input">The input, serialized as JSON.</param>
    /// <param name="options">The instance id, start time, and whether to reuse a running instance.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The instance id.</returns>
    /// <exception cref="OrchestrationAlreadyExistsException">The id is pending or running and reuse was not asked for.</exception>
    public async Task<string> ScheduleNewOrchestrationInstanceAsync(
        string orchestratorName,
        object? input = null,
        StartOrchestrationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        string instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        InstanceIds.Validate(instanceId, nameof(options));
        string? inputJson = this.converter.Serialize(input);
        string executionId = Guid.NewGuid().ToString("N");
        DateTime now = DateTime.UtcNow;
        DateTime? startAt = options?.StartAt?.UtcDateTime is { } at && at > now ? at : null;

        if (!await this.hub.Instances.TryAddAsync(instanceId, orchestratorName, executionId, inputJson, now, startAt, cancellationToken).ConfigureAwait(false))
        {
            var existing = await this.hub.Instances.GetAsync(instanceId, false, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                // Purged between the two calls: try once more from the start.
                return await this.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, options, cancellationToken).ConfigureAwait(false);
            }

            var (metadata, etag) = existing.Value;
            if (!metadata.RuntimeStatus.IsTerminal())
            {
                if (options?.ReuseIfRunning == true)
                {
                    return instanceId;
                }

                throw new OrchestrationAlreadyExistsException(
                    $"An orchestration with instance id '{instanceId}' already exists and is {metadata.RuntimeStatus}. " +
                    "Wait for it to finish, terminate it, or start with ReuseIfRunning to get the existing instance.")
                {
                    ExistingStatus = metadata.RuntimeStatus,
                };
            }

            if (!await this.hub.Instances.TryReplaceAsync(instanceId, etag, orchestratorName, executionId, inputJson, now, startAt, cancellationToken).ConfigureAwait(false))
            {
                throw new OrchestrationAlreadyExistsException($"The orchestration '{instanceId}' was started by another client at the same time.");
            }
        }

        var started = new ExecutionStartedEvent(orchestratorName, inputJson, executionId) { Timestamp = now };
        string eventId = InboxEventIds.Start(executionId);
        if (startAt is { } due)
        {
            var message = new ControlQueueMessage(instanceId) { Event = started, EventId = eventId, DueAt = due };
            await this.hub.Control.SendAsync(message, due - now, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await this.hub.DeliverAsync(instanceId, [new InboxEntry(eventId, started, null)], cancellationToken).ConfigureAwait(false);
        }

        return instanceId;
    }

    /// <summary>Gets an instance's status, or null when it does not exist.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="getInputsAndOutputs">Whether to read the input and output too.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    public async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        var found = await this.hub.Instances.GetAsync(instanceId, getInputsAndOutputs, cancellationToken).ConfigureAwait(false);
        return found?.Metadata;
    }

    /// <summary>Lists instances matching a query, one page at a time.</summary>
    /// <param name="query">The filter, page size and continuation token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page.</returns>
    public Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, 1000);
        return this.hub.Instances.QueryAsync(query, cancellationToken);
    }

    /// <summary>Sends an event to an instance; <see cref="TaskOrchestrationContext.WaitForExternalEvent{T}(string, CancellationToken)"/> receives it.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="eventPayload">The payload.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the event is durably queued.</returns>
    /// <exception cref="OrchestrationNotFoundException">The instance does not exist.</exception>
    public async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        await this.RequireAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var raised = new EventRaisedEvent(eventName, this.converter.Serialize(eventPayload));
        await this.hub.DeliverAsync(instanceId, [new InboxEntry(InboxEventIds.Event(), raised, null)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Terminates a running instance. Its in-flight activities finish, but their results are ignored.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">The reason, recorded as the output.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the request is durably queued.</returns>
    public async Task TerminateInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        OrchestrationMetadata metadata = await this.RequireAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (metadata.IsCompleted)
        {
            return;
        }

        await this.hub.DeliverAsync(instanceId, [new InboxEntry(InboxEventIds.Terminate(), new ExecutionTerminatedEvent(reason), metadata.ExecutionId)], cancellationToken).ConfigureAwait(false);
        if (metadata.RuntimeStatus == OrchestrationRuntimeStatus.Pending && metadata.ScheduledStartTime is not null)
        {
            // A start scheduled for later has no execution yet to apply the termination: end it now.
            await this.hub.Instances.UpdateAsync(instanceId, new InstanceStatusUpdate
            {
                Name = metadata.Name,
                ExecutionId = metadata.ExecutionId ?? string.Empty,
                Status = OrchestrationRuntimeStatus.Terminated,
                WriteCustomStatus = false,
                Output = this.converter.Serialize(reason),
                LastUpdatedAt = DateTime.UtcNow,
            }, cancellationToken).ConfigureAwait(false);
            await this.hub.History.TryCreateTerminatedAsync(instanceId, metadata.Name, metadata.ExecutionId ?? string.Empty, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Suspends an instance: events wait in its inbox until it is resumed.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">The reason.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        OrchestrationMetadata metadata = await this.RequireAsync(instanceId, cancellationToken).ConfigureAwait(false);
        await this.hub.DeliverAsync(instanceId, [new InboxEntry(InboxEventIds.Suspend(), new ExecutionSuspendedEvent(reason), metadata.ExecutionId)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes a suspended instance.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">The reason.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        OrchestrationMetadata metadata = await this.RequireAsync(instanceId, cancellationToken).ConfigureAwait(false);
        await this.hub.DeliverAsync(instanceId, [new InboxEntry(InboxEventIds.Resume(), new ExecutionResumedEvent(reason), metadata.ExecutionId)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the instance completes, fails or is terminated.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="getInputsAndOutputs">Whether to read the input and output.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The final status.</returns>
    public async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = true, CancellationToken cancellationToken = default)
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            OrchestrationMetadata? metadata = await this.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
            if (metadata is { IsCompleted: true })
            {
                return getInputsAndOutputs ? (await this.GetInstanceAsync(instanceId, true, cancellationToken).ConfigureAwait(false))! : metadata;
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 1000));
        }
    }

    /// <summary>Deletes a finished instance's state: status, history and payloads.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when there was something to delete.</returns>
    /// <exception cref="InvalidOperationException">The instance is still running.</exception>
    public async Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        OrchestrationMetadata? metadata = await this.GetInstanceAsync(instanceId, false, cancellationToken).ConfigureAwait(false);
        if (metadata is { IsCompleted: false })
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is {metadata.RuntimeStatus}; only completed, failed or terminated instances can be purged.");
        }

        bool history = await this.hub.History.DeletePartitionAsync(instanceId, cancellationToken).ConfigureAwait(false);
        await this.hub.Storage.Payloads.DeletePrefixAsync(instanceId + "/", cancellationToken).ConfigureAwait(false);
        await this.hub.Instances.DeleteAsync(instanceId, cancellationToken).ConfigureAwait(false);
        return history || metadata is not null;
    }

    /// <summary>Purges every finished instance that completed before <paramref name="completedBefore"/>.</summary>
    /// <param name="completedBefore">The completion-time bound.</param>
    /// <param name="statuses">Which final statuses to purge; completed, failed and terminated when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of instances purged.</returns>
    public async Task<int> PurgeInstancesAsync(DateTime completedBefore, IReadOnlyCollection<OrchestrationRuntimeStatus>? statuses = null, CancellationToken cancellationToken = default)
    {
        statuses ??= [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
        int purged = 0;
        string? token = null;
        do
        {
            OrchestrationQueryResult page = await this.QueryInstancesAsync(
                new OrchestrationQuery { Statuses = statuses, CompletedBefore = completedBefore, PageSize = 100, ContinuationToken = token },
                cancellationToken).ConfigureAwait(false);
            foreach (OrchestrationMetadata instance in page.Instances.Where(i => i.IsCompleted))
            {
                if (await this.PurgeInstanceAsync(instance.InstanceId, cancellationToken).ConfigureAwait(false))
                {
                    purged++;
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return purged;
    }

    /// <summary>Reads the history of the current execution (for diagnostics and tests).</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events in order.</returns>
    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        InstanceSnapshot snapshot = await this.hub.History.ReadAsync(instanceId, includeHistory: true, cancellationToken).ConfigureAwait(false);
        return snapshot.History!.SelectMany(e => e).ToList();
    }

    private async Task<OrchestrationMetadata> RequireAsync(string instanceId, CancellationToken cancellationToken) =>
        await this.GetInstanceAsync(instanceId, false, cancellationToken).ConfigureAwait(false)
        ?? throw new OrchestrationNotFoundException($"No orchestration instance with id '{instanceId}' exists in task hub '{this.TaskHub}'.");
}
