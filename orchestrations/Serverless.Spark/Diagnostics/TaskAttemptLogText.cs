using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Diagnostics;

/// <summary>The lines of a task attempt log: what was submitted, what the engine said, how it failed.</summary>
internal static partial class TaskAttemptLogText
{
    /// <summary>The most causes of a failure written (an exception chain is short; a cycle must not loop).</summary>
    private const int MaxCauses = 8;

    /// <summary>The most characters of an engine stack trace written.</summary>
    private const int MaxTraceChars = 8192;

    /// <summary>The text that replaces a secret value.</summary>
    public const string Mask = "***";

    public static string Header(TaskAttemptLogTarget target) =>
        string.Create(CultureInfo.InvariantCulture, $"task {target.TaskId}{(target.MapIndex is { } i ? $" map index {i}" : string.Empty)} attempt {target.Attempt} of run {target.RunId} (DAG {target.DagId})");

    /// <summary>Gets whether a Spark conf key names a secret (an account key, a password, a token, a SAS).</summary>
    /// <param name="key">The conf key.</param>
    /// <returns><see langword="true"/> when its value must never be shown.</returns>
    public static bool IsSecretConfKey(string key) => SecretKey().IsMatch(key);

    public static IEnumerable<string> SecretConfValues(SparkJobSpec spec) =>
        spec.Conf.Where(c => IsSecretConfKey(c.Key) && c.Value.Length > 0).Select(c => c.Value);

    public static IEnumerable<string> Spec(SparkJobSpec spec)
    {
        yield return $"spec: {spec.Kind} job {spec.Name}";
        foreach (var input in spec.Inputs)
        {
            yield return $"  input {input.Name}: {input.Location} ({input.Format})";
        }

        foreach (var output in spec.Outputs)
        {
            yield return $"  output {output.Name}: {output.Location} ({output.Format}, {output.Mode})";
        }

        foreach (var (key, value) in spec.Conf.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            yield return $"  conf {key} = {(IsSecretConfKey(key) ? Mask : value)}";
        }

        if (spec.File is { } file)
        {
            yield return $"  file: {file}" + (spec.ClassName is { } cls ? $" (class {cls})" : string.Empty);
        }

        if (spec.Args.Count > 0)
        {
            yield return "  args: " + string.Join(' ', spec.Args);
        }

        if (spec.Sql is { } sql)
        {
            yield return "  sql:";
            foreach (var line in sql.Split('\n'))
            {
                yield return "    " + line.TrimEnd('\r');
            }
        }
    }

    public static IEnumerable<string> FinalStatus(SparkJobStatus status)
    {
        yield return $"job {status.JobId} finished {status.State}" + (status.ClusterState is { } cluster ? $" (cluster: {cluster})" : string.Empty);
        foreach (var (name, at) in status.Timestamps.OrderBy(t => t.Value))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"  {name}: {at:O}");
        }

        if (status.AppId is { } app)
        {
            yield return $"  application id: {app}";
        }

        if (status.DriverLogUrl is { } driverLog)
        {
            yield return $"  driver log: {driverLog}";
        }

        if (status.SparkUiUrl is { } ui)
        {
            yield return $"  Spark UI: {ui}";
        }

        if (status.RunPageUrl is { } runPage)
        {
            yield return $"  run page: {runPage}";
        }

        foreach (var (name, value) in status.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"  metric {name}: {value}");
        }

        foreach (var line in status.LogTail)
        {
            yield return "  engine: " + line;
        }

        // The local engine's tail already ends with its error; say it once.
        if (status.Message is { Length: > 0 } message && !status.LogTail.Any(l => l.EndsWith(message, StringComparison.Ordinal)))
        {
            yield return (status.State == SparkJobState.Succeeded ? "  message: " : "  error: ") + message;
        }

        if (status.Error is { Length: > 0 } error && error != status.Message)
        {
            yield return "  cluster error: " + error;
        }

        if (status.ErrorTrace is { Length: > 0 } trace)
        {
            yield return "  cluster stack trace:";
            yield return trace.Length > MaxTraceChars ? trace[..MaxTraceChars] + " …" : trace;
        }
    }

    public static IEnumerable<string> Failure(string what, Exception error)
    {
        yield return $"{what} failed: {error.GetType().Name}: {error.Message}";
        var cause = error.InnerException;
        for (var i = 0; cause is not null && i < MaxCauses; i++, cause = cause.InnerException)
        {
            yield return $"  caused by {cause.GetType().Name}: {cause.Message}";
        }
    }

    [GeneratedRegex("(secret|password|passwd|pwd|token|credential|sas|signature|(^|[._-])key($|[._-])|accountkey|auth)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretKey();
}
