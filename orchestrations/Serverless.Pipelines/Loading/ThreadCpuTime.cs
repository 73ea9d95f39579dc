using System.Globalization;

namespace Serverless.Pipelines.Loading;

/// <summary>
/// The processor time the calling OS thread has used, where the system tells it: Linux's
/// <c>/proc/thread-self/schedstat</c> (nanoseconds on the processor). .NET has no API for it; the parse budget needs it
/// so a document is refused for the work it costs, not for the time a loaded machine kept the thread waiting.
/// </summary>
internal static class ThreadCpuTime
{
    private const string SchedStat = "/proc/thread-self/schedstat";
    private static readonly bool Available = OperatingSystem.IsLinux() && File.Exists(SchedStat);

    /// <summary>Gets the calling thread's processor time so far, or null where the system does not tell it.</summary>
    public static TimeSpan? Now()
    {
        if (!Available)
        {
            return null;
        }

        try
        {
            // "<ns on the processor> <ns waiting to run> <timeslices>"; the file is a few dozen bytes.
            var text = File.ReadAllText(SchedStat);
            var end = text.IndexOf(' ', StringComparison.Ordinal);
            return long.TryParse(end < 0 ? text : text[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds)
                ? TimeSpan.FromTicks(nanoseconds / 100)
                : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
