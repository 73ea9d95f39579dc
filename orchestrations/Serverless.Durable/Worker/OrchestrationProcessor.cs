using Azure;
using Microsoft.Extensions.Logging;
using Serverless.Durable.Diagnostics;
using Serverless.Durable.History;
using Serverless.Durable.Messaging;
using Serverless.Durable.Replay;
using Serverless.Durable.Tracking;

namespace Serverless.Durable.Worker;

/// <summary>
/// Handles control messages: drains an instance's inbox in episodes. Each episode replays (or reuses)
/// the orchestrator, applies up to 95 events, commits one table transaction fenced by the sentinel's
/// ETag, then sends the episode's outbound messages and confirms them. Throws for "retry later".
/// </summary>
internal sealed class OrchestrationProcessor
{
    private const int MaxConflictRetries = 50;

    private readonly TaskHub hub;
    private readonly DurableTaskRegistry registry;
    private readonly IServiceProvider services;
    private readonly DataConverter converter;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly ExecutorCache cache;
    private readonly InstanceDrainGate gate = new();

    public OrchestrationProcessor(TaskHub hub, DurableTaskRegistry registry, IServiceProvider services, DataConverter converter, ILoggerFactory loggerFactory, TimeProvider time)
    {
        this.hub = hub;
        this.registry = registry;
        this.services = services;
        this.converter = converter;
        this.loggerFactory = loggerFactory;
        this.logger = loggerFactory.CreateLogger("Serverless.Durable.Orchestrations");
        this.time = time;
        this.cache = new ExecutorCache(hub.Options.ExecutorCacheSize);
    }

    public async Task HandleAsync(ControlQueueMessage message, CancellationToken cancellationToken)
    {
        DateTime now = this.time.GetUtcNow().UtcDateTime;
        if (message.DueAt is { } due && due > now)
        {
            if (due - now > TimeSpan.FromSeconds(5))
            {
                // Queue delays stop at 7 days: a longer timer surfaces early and goes back to sleep.
                await this.hub.Control.SendAsync(message, due - now, cancellationToken).ConfigureAwait(false);
                return;
            }

            // A little early (clock skew between machines): wait out the rest here.
            await Task.Delay(due - now, this.time, cancellationToken).ConfigureAwait(false);
        }

        if (message.Event is not null && message.EventId is not null)
        {
            await this.hub.History.AddInboxAsync(message.InstanceId, [new InboxEntry(message.EventId, message.Event, message.ExecutionId)], cancellationToken).ConfigureAwait(false);
        }

        await this.gate.RunAsync(message.InstanceId, () => this.DrainAsync(message.InstanceId, cancellationToken)).ConfigureAwait(false);
    }

    private async Task DrainAsync(string instanceId, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            if (attempt > MaxConflictRetries)
            {
                throw new InvalidOperationException($"Instance '{instanceId}' kept changing under this worker ({MaxConflictRetries} conflicts in a row); the message will be retried.");
            }

            EpisodeOutcome outcome = await this.RunEpisodeAsync(instanceId, cancellationToken).ConfigureAwait(false);
            if (outcome == EpisodeOutcome.Conflict)
            {
                this.cache.Remove(instanceId);
                this.logger.EpisodeConflict(instanceId);
                DurableTelemetry.Conflicts.Add(1);
                continue;
            }

            if (outcome == EpisodeOutcome.Idle)
            {
                return;
            }

            // Committed with more waiting: next episode.
            attempt = 0;
        }
    }

    private async Task<EpisodeOutcome> RunEpisodeAsync(string instanceId, CancellationToken cancellationToken)
    {
        ExecutorCache.Entry? cached = this.cache.Get(instanceId);
        InstanceSnapshot snapshot = await this.hub.History.ReadAsync(instanceId, includeHistory: cached is null, cancellationToken).ConfigureAwait(false);
        if (cached is not null && (snapshot.Sentinel is null || snapshot.Sentinel.ETag != cached.ETag))
        {
            this.cache.Remove(instanceId);
            cached = null;
            snapshot = await this.hub.History.ReadAsync(instanceId, includeHistory: true, cancellationToken).ConfigureAwait(false);
        }

        SentinelState? sentinel = snapshot.Sentinel;
        if (cached is null && sentinel is { OutboxEpisode: >= 0 })
        {
            // The last episode's sends or status write are not confirmed: its worker may have died after the commit.
            IReadOnlyList<HistoryEvent>? events = await this.hub.History.ReadEpisodeAsync(instanceId, sentinel.Generation, sentinel.OutboxEpisode, cancellationToken).ConfigureAwait(false);
            if (events is not null)
            {
                OutboundMessages resend = OutboundMessages.FromEpisode(
                    instanceId, sentinel.ExecutionId, sentinel.ParentInstanceId, sentinel.ParentExecutionId, sentinel.ParentTaskId, events, this.Now);
                await this.SendAsync(resend, cancellationToken).ConfigureAwait(false);
                await this.hub.Instances.UpdateAsync(instanceId, StatusFromEpisode(sentinel, events, this.Now), cancellationToken).ConfigureAwait(false);
                this.logger.OutboxResent(instanceId, resend.Count);
            }

            ETag? confirmed = await this.hub.History.ConfirmOutboxAsync(instanceId, sentinel.ETag, cancellationToken).ConfigureAwait(false);
            if (confirmed is null)
            {
                return EpisodeOutcome.Conflict;
            }

            sentinel = sentinel with { OutboxEpisode = -1, ETag = confirmed.Value };
        }

        if (snapshot.Inbox.Count == 0)
        {
            return EpisodeOutcome.Idle;
        }

        EpisodePlan plan = EpisodePlan.Create(sentinel, snapshot.Inbox, snapshot.InboxTruncated);
        if (plan.Apply.Count == 0)
        {
            if (plan.Discard.Count > 0)
            {
                await this.hub.History.DeleteInboxAsync(instanceId, plan.Discard, cancellationToken).ConfigureAwait(false);
            }

            return EpisodeOutcome.Idle;
        }

        DateTime now = this.Now;
        OrchestrationExecutor? executor = null;
        int generation;
        int episode;
        ExecutionStartedEvent started;
        List<HistoryEvent> episodeEvents;
        if (plan.Start is { } start)
        {
            executor = this.NewExecutor(instanceId);
            generation = sentinel is null ? 0 : sentinel.Generation + 1;
            episode = 0;
            started = start;
            episodeEvents = executor.RunEpisode(plan.Apply.Select(e => e.Event).ToList(), now, out _);
        }
        else
        {
            generation = sentinel!.Generation;
            episode = sentinel.Episode;
            var fromSentinel = new ExecutionStartedEvent(sentinel.Name, null, sentinel.ExecutionId, sentinel.ParentInstanceId, sentinel.ParentExecutionId, sentinel.ParentTaskId)
            {
                Timestamp = sentinel.CreatedAt,
            };
            if (plan.EndsWithoutCode)
            {
                // Terminate and abort need no orchestrator code, so they work even when replay cannot.
                started = fromSentinel;
                episodeEvents = TerminalEpisode(plan, now);
            }
            else
            {
                executor = cached?.Executor ?? this.Replay(instanceId, snapshot.History!);
                started = executor.Started ?? fromSentinel;
                episodeEvents = executor.RunEpisode(plan.Apply.Select(e => e.Event).ToList(), now, out _);
            }
        }

        ExecutionCompletedEvent? completion = episodeEvents.OfType<ExecutionCompletedEvent>().LastOrDefault() ?? executor?.Completion;
        OrchestrationRuntimeStatus status = completion?.Status ?? (executor?.IsSuspended == true ? OrchestrationRuntimeStatus.Suspended : OrchestrationRuntimeStatus.Running);

        string executionId = started.ExecutionId;
        OutboundMessages outbound = OutboundMessages.FromEpisode(
            instanceId, executionId, started.ParentInstanceId, started.ParentExecutionId, started.ParentTaskId, episodeEvents, now);

        var newInbox = new List<InboxEntry>();
        if (completion?.Status == OrchestrationRuntimeStatus.ContinuedAsNew)
        {
            string nextExecutionId = Guid.NewGuid().ToString("N");
            newInbox.Add(new InboxEntry(
                InboxEventIds.Start(nextExecutionId),
                new ExecutionStartedEvent(started.Name, completion.Result, nextExecutionId, started.ParentInstanceId, started.ParentExecutionId, started.ParentTaskId) { Timestamp = now },
                null));
            if (executor?.Context is { PreserveUnprocessedEvents: true } context)
            {
                long ticks = now.Ticks;
                foreach (EventRaisedEvent raised in context.UnconsumedEvents.Take(HistoryTable.MaxEventsPerEpisode - plan.Apply.Count - plan.Discard.Count))
                {
                    newInbox.Add(new InboxEntry(InboxEventIds.Event(ticks++), raised, null));
                }
            }
        }

        string? customStatus = executor is null ? cached?.WrittenCustomStatus : executor.CustomStatusJson;
        bool statusChanged = cached is null || plan.Start is not null || cached.WrittenStatus != status || cached.WrittenCustomStatus != customStatus || completion is not null;

        var newSentinel = new SentinelState
        {
            ExecutionId = executionId,
            Name = started.Name,
            Status = status,
            Generation = generation,
            Episode = episode + 1,
            // Marks the episode until its sends and status write are done, so a worker that finds the
            // marker (this one died in between) redoes them.
            OutboxEpisode = outbound.Count > 0 || statusChanged ? episode : -1,
            ParentInstanceId = started.ParentInstanceId,
            ParentExecutionId = started.ParentExecutionId,
            ParentTaskId = started.ParentTaskId,
            CreatedAt = plan.Start is not null ? started.Timestamp : sentinel!.CreatedAt,
        };

        var consumed = plan.Apply.Select(e => e.EventId).Concat(plan.Discard).ToList();
        ETag? etag = await this.hub.History.CommitAsync(
            instanceId,
            new EpisodeCommit(newSentinel, sentinel?.ETag, episodeEvents, consumed, newInbox),
            cancellationToken).ConfigureAwait(false);
        if (etag is null)
        {
            return EpisodeOutcome.Conflict;
        }

        DurableTelemetry.Episodes.Add(1);
        this.logger.EpisodeCommitted(instanceId, episode, generation, plan.Apply.Count, outbound.Count, status);

        if (outbound.Count > 0)
        {
            await this.SendAsync(outbound, cancellationToken).ConfigureAwait(false);
        }

        if (statusChanged)
        {
            await this.hub.Instances.UpdateAsync(instanceId, new InstanceStatusUpdate
            {
                Name = started.Name,
                ExecutionId = executionId,
                Status = status,
                CustomStatus = customStatus,
                WriteCustomStatus = executor is not null,
                WriteInput = plan.Start is not null,
                Input = started.Input,
                CreatedAt = plan.Start is not null ? started.Timestamp : null,
                ParentInstanceId = started.ParentInstanceId,
                LastUpdatedAt = now,
                Output = completion?.Result,
                FailureDetails = completion?.FailureDetails,
                CompletedAt = completion is not null ? now : null,
            }, cancellationToken).ConfigureAwait(false);
        }

        if (newSentinel.OutboxEpisode >= 0)
        {
            etag = await this.hub.History.ConfirmOutboxAsync(instanceId, etag.Value, cancellationToken).ConfigureAwait(false);
        }

        if (completion is null && etag is not null && executor is not null)
        {
            this.cache.Set(instanceId, new ExecutorCache.Entry(executor, etag.Value, status, customStatus));
        }
        else
        {
            this.cache.Remove(instanceId);
        }

        if (completion is not null)
        {
            this.logger.OrchestrationFinished(instanceId, started.Name, completion.Status);
        }

        if (plan.Start is not null && sentinel is not null)
        {
            await this.hub.History.DeleteGenerationAsync(instanceId, sentinel.Generation, sentinel.Episode, cancellationToken).ConfigureAwait(false);
        }

        // Events that arrive later bring their own wake-up; only a capped or restarted inbox needs another pass now.
        bool more = plan.Deferred || newInbox.Count > 0;
        return more ? EpisodeOutcome.Committed : EpisodeOutcome.Idle;
    }

    private DateTime Now => this.time.GetUtcNow().UtcDateTime;

    /// <summary>The instances-table update an episode implies, rebuilt from its recorded events (custom status kept as stored).</summary>
    private static InstanceStatusUpdate StatusFromEpisode(SentinelState sentinel, IReadOnlyList<HistoryEvent> events, DateTime now)
    {
        ExecutionCompletedEvent? completed = events.OfType<ExecutionCompletedEvent>().LastOrDefault();
        ExecutionStartedEvent? started = events.OfType<ExecutionStartedEvent>().FirstOrDefault();
        return new InstanceStatusUpdate
        {
            Name = sentinel.Name,
            ExecutionId = sentinel.ExecutionId,
            Status = sentinel.Status,
            WriteCustomStatus = false,
            WriteInput = started is not null,
            Input = started?.Input,
            CreatedAt = started?.Timestamp,
            ParentInstanceId = sentinel.ParentInstanceId,
            LastUpdatedAt = now,
            Output = completed?.Result,
            FailureDetails = completed?.FailureDetails,
            CompletedAt = completed?.Timestamp,
        };
    }

    private static List<HistoryEvent> TerminalEpisode(EpisodePlan plan, DateTime now)
    {
        var events = new List<HistoryEvent> { new OrchestratorStartedEvent { Timestamp = now } };
        HistoryEvent ending = plan.Apply.Select(e => e.Event).First(e => e is ExecutionTerminatedEvent or ExecutionAbortedEvent);
        events.Add(ending);
        events.Add(ending switch
        {
            ExecutionTerminatedEvent terminated => new ExecutionCompletedEvent(OrchestrationRuntimeStatus.Terminated, DataConverter.Default.Serialize(terminated.Reason)) { Timestamp = now },
            ExecutionAbortedEvent aborted => new ExecutionCompletedEvent(OrchestrationRuntimeStatus.Failed, null, aborted.FailureDetails) { Timestamp = now },
            _ => throw new InvalidOperationException("Unreachable."),
        });
        return events;
    }

    private OrchestrationExecutor NewExecutor(string instanceId) =>
        new(instanceId, this.registry, this.services, this.converter, this.loggerFactory);

    private OrchestrationExecutor Replay(string instanceId, IReadOnlyList<IReadOnlyList<HistoryEvent>> history)
    {
        OrchestrationExecutor executor = this.NewExecutor(instanceId);
        executor.Replay(history.SelectMany(e => e));
        return executor;
    }

    private async Task SendAsync(OutboundMessages outbound, CancellationToken cancellationToken)
    {
        var sends = new List<Func<Task>>(outbound.Count);
        sends.AddRange(outbound.WorkItems.Select(w => (Func<Task>)(() => this.hub.WorkItems.SendAsync(w, cancellationToken))));
        sends.AddRange(outbound.Timers.Select(t => (Func<Task>)(() => this.hub.Control.SendAsync(t.Message, t.Delay, cancellationToken))));
        sends.AddRange(outbound.Deliveries
            .GroupBy(d => d.InstanceId, StringComparer.Ordinal)
            .Select(g => (Func<Task>)(() => this.hub.DeliverAsync(g.Key, g.Select(d => d.Entry).ToList(), cancellationToken))));
        if (sends.Count == 1)
        {
            await sends[0]().ConfigureAwait(false);
            return;
        }

        await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (send, _) => await send().ConfigureAwait(false)).ConfigureAwait(false);
    }

    private enum EpisodeOutcome
    {
        Idle,
        Committed,
        Conflict,
    }
}
