using Serverless.Durable.History;
using Serverless.Durable.Tracking;

namespace Serverless.Durable.Worker;

/// <summary>
/// Decides, from the sentinel and the inbox, which events the next episode applies, which it discards
/// (duplicates, results for an older execution, events for a finished instance), and which wait
/// (events for a suspended instance, or beyond the per-episode cap).
/// </summary>
internal sealed class EpisodePlan
{
    /// <summary>Gets the start of a new execution applied by this episode, if any.</summary>
    public ExecutionStartedEvent? Start { get; private set; }

    public List<InboxEntry> Apply { get; } = [];

    public List<string> Discard { get; } = [];

    /// <summary>Gets a value indicating whether applicable events were left for another episode.</summary>
    public bool Deferred { get; private set; }

    /// <summary>Gets a value indicating whether the episode ends the execution without running orchestrator code (terminate or abort).</summary>
    public bool EndsWithoutCode => this.Start is null && this.Apply.Any(e => e.Event is ExecutionTerminatedEvent or ExecutionAbortedEvent);

    public static EpisodePlan Create(SentinelState? sentinel, IReadOnlyList<InboxEntry> inbox, bool inboxTruncated)
    {
        var plan = new EpisodePlan { Deferred = inboxTruncated };
        bool finished = sentinel is null || sentinel.Status.IsTerminal() || sentinel.Status == OrchestrationRuntimeStatus.ContinuedAsNew;
        string? execution = sentinel?.ExecutionId;
        bool suspended = sentinel?.Status == OrchestrationRuntimeStatus.Suspended;
        bool skippedWhileSuspended = false;
        foreach (InboxEntry entry in inbox)
        {
            if (plan.Apply.Count + plan.Discard.Count >= HistoryTable.MaxEventsPerEpisode)
            {
                plan.Deferred = true;
                break;
            }

            if (entry.Event is ExecutionStartedEvent start)
            {
                if (finished && plan.Start is null && start.ExecutionId != execution)
                {
                    plan.Start = start;
                    plan.Apply.Add(entry);
                    execution = start.ExecutionId;
                    finished = false;
                    suspended = false;
                }
                else
                {
                    plan.Discard.Add(entry.EventId);
                }

                continue;
            }

            if (finished)
            {
                // Not started yet (a delayed start): events wait for it. Finished: they are dropped, as in Durable Functions.
                if (sentinel is not null)
                {
                    plan.Discard.Add(entry.EventId);
                }

                continue;
            }

            if (entry.ExecutionId is not null && entry.ExecutionId != execution)
            {
                plan.Discard.Add(entry.EventId);
                continue;
            }

            if (suspended && entry.Event is not (ExecutionResumedEvent or ExecutionTerminatedEvent or ExecutionAbortedEvent))
            {
                skippedWhileSuspended = true;
                continue;
            }

            if (entry.Event is ExecutionSuspendedEvent)
            {
                suspended = true;
            }
            else if (entry.Event is ExecutionResumedEvent)
            {
                suspended = false;
                plan.Deferred |= skippedWhileSuspended;
            }

            plan.Apply.Add(entry);
        }

        return plan;
    }
}
