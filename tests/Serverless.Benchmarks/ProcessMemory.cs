using System.Globalization;

namespace Serverless.Benchmarks;

/// <summary>
/// This process's resident memory as Linux reports it in <c>/proc/self/status</c>: the current size (VmRSS) and the
/// peak (VmHWM), and a reset of the peak so a bench can take the peak of one phase (a DAG run) apart from the phases
/// before it (warm-up, the plain baselines).
/// </summary>
public static class ProcessMemory
{
    private const string StatusPath = "/proc/self/status";

    /// <summary>Gets the peak resident set size of this process in MB (VmHWM) since its start or the last <see cref="ResetPeak"/>.</summary>
    /// <returns>The peak, or 0 where /proc is not available.</returns>
    public static double PeakRssMb() => StatusMb("VmHWM");

    /// <summary>Gets the resident set size of this process in MB (VmRSS).</summary>
    /// <returns>The size, or 0 where /proc is not available.</returns>
    public static double RssMb() => StatusMb("VmRSS");

    /// <summary>
    /// Sets the peak (VmHWM) to the current resident size, by writing 5 to <c>/proc/self/clear_refs</c> (Linux 4.0 and
    /// later; see proc(5)). Nothing else of the process changes.
    /// </summary>
    /// <returns>Whether the peak was reset; false where the file is missing or not writable.</returns>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Reads one <c>kB</c> field of a <c>/proc/PID/status</c> text, in MB rounded to 0.1.</summary>
    /// <param name="status">The file's text.</param>
    /// <param name="field">The field name without its colon, such as <c>VmHWM</c>.</param>
    /// <returns>The size, or 0 when the field is missing.</returns>
    public static double FieldMb(string status, string field)
    {
        ArgumentNullException.ThrowIfNull(status);
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return Math.Round(double.Parse(kb, CultureInfo.InvariantCulture) / 1024.0, 1);
            }
        }

        return 0;
    }

    private static double StatusMb(string field) => File.Exists(StatusPath) ? FieldMb(File.ReadAllText(StatusPath), field) : 0;
}
