using System.Globalization;
using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Validation;

/// <summary>The checks of a DAG's notification targets and deadline, a part of <see cref="DagCheck"/>.</summary>
internal static class DagNotificationCheck
{
    /// <summary>The longest deadline accepted: a run that should take longer than this has no use for one.</summary>
    public static readonly TimeSpan MaxDeadline = TimeSpan.FromDays(30);

    public static void CheckDag(DagDefinition dag, Action<string, string> add)
    {
        CheckTargets("onFailure", dag.OnFailure, add);
        CheckTargets("onRetry", dag.OnRetry, add);
        CheckTargets("onSuccess", dag.OnSuccess, add);
        if (dag.Deadline is { } deadline)
        {
            if (deadline.Duration <= TimeSpan.Zero || deadline.Duration > MaxDeadline)
            {
                add("deadline.duration", string.Create(CultureInfo.InvariantCulture, $"the deadline's duration must be positive and at most {MaxDeadline.TotalDays:0} days"));
            }

            CheckTargets("deadline.notify", deadline.Notify, add);
            if (deadline.Notify.Count == 0 && dag.OnFailure.Count == 0)
            {
                add("deadline", "the deadline has nowhere to notify: give 'deadline.notify' or the DAG's 'onFailure'");
            }
        }
    }

    public static void CheckTask(DagTask task, string path, Action<string, string> add)
    {
        CheckTargets(path + ".onFailure", task.OnFailure, add);
        CheckTargets(path + ".onRetry", task.OnRetry, add);
        CheckTargets(path + ".onSuccess", task.OnSuccess, add);
    }

    private static void CheckTargets(string path, IReadOnlyList<NotificationTarget> targets, Action<string, string> add)
    {
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]");
            if (target.Url is { } url && NotificationTarget.UrlProblem(url, out _) is { } problem)
            {
                add(itemPath + ".url", problem);
            }

            if (target.Setting is { } setting && !NotificationTarget.IsValidSettingName(setting))
            {
                add(itemPath + ".setting", $"setting name '{Truncate(setting)}' is invalid: use {NotificationTarget.SettingNamePattern} (it becomes the setting Serverless__Notifications__<name>__Url)");
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
