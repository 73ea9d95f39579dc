using System.Runtime.InteropServices;

namespace Serverless.Cli.Hosting;

/// <summary>The one POSIX call .NET does not expose: sending SIGTERM, so a child host shuts down (and stops its Azurite) cleanly.</summary>
internal static partial class NativeMethods
{
    /// <summary>The signal number of SIGTERM on Linux and macOS.</summary>
    public const int SigTerm = 15;

    /// <summary>Sends a signal to a process.</summary>
    /// <param name="processId">The process id.</param>
    /// <param name="signal">The signal number.</param>
    /// <returns>0 on success, -1 on failure.</returns>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int Kill(int processId, int signal);
}
