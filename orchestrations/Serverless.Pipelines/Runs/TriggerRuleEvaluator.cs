using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Runs;

/// <summary>
/// Airflow's trigger-rule evaluation (its <c>TriggerRuleDep</c> with <c>flag_upstream_failed</c>, as the scheduler
/// runs it), as a pure function: first whether the upstream states already decide skipped or upstream_failed — which
/// can happen before every upstream is done — then whether the rule is met.
/// </summary>
public static class TriggerRuleEvaluator
{
    /// <summary>Decides what to do with a task.</summary>
    /// <param name="rule">The task's trigger rule.</param>
    /// <param name="upstreamStates">The states of its direct upstream tasks (for a mapped upstream, one per instance).</param>
    /// <returns>The decision. A task without upstreams always runs.</returns>
    public static TriggerDecision Evaluate(TriggerRule rule, IEnumerable<TaskInstanceState> upstreamStates)
    {
        ArgumentNullException.ThrowIfNull(upstreamStates);
        int upstream = 0, success = 0, failed = 0, upstreamFailed = 0, skipped = 0;
        foreach (var state in upstreamStates)
        {
            upstream++;
            switch (state)
            {
                case TaskInstanceState.Success:
                    success++;
                    break;
                case TaskInstanceState.Failed:
                    failed++;
                    break;
                case TaskInstanceState.UpstreamFailed:
                    upstreamFailed++;
                    break;
                case TaskInstanceState.Skipped:
                    skipped++;
                    break;
                default:
                    break;
            }
        }

        if (upstream == 0)
        {
            return TriggerDecision.Run;
        }

        var done = success + failed + upstreamFailed + skipped;
        var allDone = done >= upstream;

        var early = rule switch
        {
            TriggerRule.AllSuccess when upstreamFailed > 0 || failed > 0 => TriggerDecision.UpstreamFailed,
            TriggerRule.AllSuccess when skipped > 0 => TriggerDecision.Skip,
            TriggerRule.AllFailed when success > 0 || skipped > 0 => TriggerDecision.Skip,
            TriggerRule.OneSuccess when allDone && done == skipped => TriggerDecision.Skip,
            TriggerRule.OneSuccess when allDone && success == 0 => TriggerDecision.UpstreamFailed,
            TriggerRule.OneFailed when allDone && failed == 0 && upstreamFailed == 0 => TriggerDecision.Skip,
            TriggerRule.OneDone when allDone && failed == 0 && success == 0 => TriggerDecision.Skip,
            TriggerRule.NoneFailed when upstreamFailed > 0 || failed > 0 => TriggerDecision.UpstreamFailed,
            TriggerRule.NoneFailedMinOneSuccess when upstreamFailed > 0 || failed > 0 => TriggerDecision.UpstreamFailed,
            TriggerRule.NoneFailedMinOneSuccess when skipped == upstream => TriggerDecision.Skip,
            TriggerRule.NoneSkipped when skipped > 0 => TriggerDecision.Skip,
            TriggerRule.AllSkipped when success > 0 || failed > 0 || upstreamFailed > 0 => TriggerDecision.Skip,
            _ => TriggerDecision.Wait,
        };
        if (early != TriggerDecision.Wait)
        {
            return early;
        }

        var met = rule switch
        {
            TriggerRule.AllSuccess => success == upstream,
            TriggerRule.AllFailed => failed + upstreamFailed == upstream,
            TriggerRule.AllDone => allDone,
            TriggerRule.AllSkipped => skipped == upstream,
            TriggerRule.OneSuccess => success > 0,
            TriggerRule.OneFailed => failed > 0 || upstreamFailed > 0,
            TriggerRule.OneDone => success + failed > 0,
            TriggerRule.NoneFailed or TriggerRule.NoneFailedMinOneSuccess => success + skipped == upstream,
            TriggerRule.NoneSkipped => allDone && skipped == 0,
            TriggerRule.Always => true,
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown trigger rule"),
        };
        return met ? TriggerDecision.Run : TriggerDecision.Wait;
    }
}
