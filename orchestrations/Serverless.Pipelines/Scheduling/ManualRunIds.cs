using System.Text.RegularExpressions;

namespace Serverless.Pipelines.Scheduling;

/// <summary>
/// The one grammar of a run id a caller chooses when triggering a run by hand (<c>runId</c> of the trigger route).
/// Ids the service derives — <c>{dagId}__scheduled-{yyyyMMddTHHmmssZ}</c>, shared by the scheduler and backfill so a
/// logical date runs once; <c>{dagId}__manual-{guid}</c>; <c>{dagId}__backfill-…</c>; <c>{runId}-rerun-{n}</c> — are
/// reserved: a chosen id can take none of them, wherever their reserved part appears.
/// </summary>
/// <remarks>
/// A chosen id is a run id (<see cref="DagRunIds.RunIdPattern"/>: ASCII letters, digits, '-', '_', '.'; at most
/// <see cref="MaxLength"/> characters; no '..') that also has no <see cref="DagRunIds.DagSeparator"/>, no
/// <see cref="DagRunIds.ScheduledPrefix"/> anywhere and in any letter case, and does not end in a rerun suffix (<c>-rerun-</c> and
/// digits). How a run was started is recorded as <see cref="Runs.DagRunTriggeredBy"/>, not spelled into its id.
/// </remarks>
public static partial class ManualRunIds
{
    /// <summary>The longest run id, in characters: 100.</summary>
    public const int MaxLength = 100;

    /// <summary>The pattern of the suffix the service gives a rerun's id, refused at the end of a chosen id.</summary>
    public const string RerunSuffixPattern = "-rerun-[0-9]+$";

    /// <summary>Checks a chosen run id against the grammar.</summary>
    /// <param name="runId">The candidate.</param>
    /// <param name="error">Why it is refused, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when a manual trigger may use it.</returns>
    public static bool IsValid(string? runId, out string? error)
    {
        if (!DagRunIds.IsValid(runId, out error))
        {
            return false;
        }

        error = runId!.Contains(DagRunIds.DagSeparator, StringComparison.Ordinal)
            ? $"run id '{runId}' contains '{DagRunIds.DagSeparator}', which separates the DAG id in the ids the service derives (scheduled, backfill and generated manual runs); choose an id without it"
            : runId.Contains(DagRunIds.ScheduledPrefix, StringComparison.OrdinalIgnoreCase)
                ? $"run id '{runId}' contains '{DagRunIds.ScheduledPrefix}', which is reserved for the runs of schedule points (scheduler and backfill); trigger with a logical date instead, or choose another id"
                : RerunSuffixRegex().IsMatch(runId)
                    ? $"run id '{runId}' ends like a rerun's id ('-rerun-' and a number), which the service derives when rerunning a run; choose another id"
                    : null;
        return error is null;
    }

    [GeneratedRegex(RerunSuffixPattern, RegexOptions.CultureInvariant)]
    private static partial Regex RerunSuffixRegex();
}
