namespace Serverless.Cli;

/// <summary>The CLI's exit codes.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked (a followed or shown run succeeded, or is still running).</summary>
    public const int Success = 0;

    /// <summary>The command failed: the host refused it or could not be reached, a DAG is invalid, or a run failed or was terminated.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: an unknown command or option, or a missing or malformed value. Nothing was started.</summary>
    public const int Usage = 2;

    /// <summary>The command was cancelled by Ctrl+C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
