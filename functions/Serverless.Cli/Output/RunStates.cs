using System.Net;
using System.Text.Json.Nodes;

namespace Serverless.Cli.Output;

/// <summary>Reads a run's state from the host's answers, and the exit code it means.</summary>
public static class RunStates
{
    /// <summary>The state of a run whose leaf tasks all succeeded or were skipped.</summary>
    public const string Success = "success";

    /// <summary>The state of a run that failed or was terminated.</summary>
    public const string Failed = "failed";

    /// <summary>Gets a value indicating whether a <c>GET /api/runs/{runId}</c> status means the run has finished.</summary>
    /// <param name="status">The HTTP status: 200 for a finished run, 202 while it is queued or running.</param>
    /// <returns>True when finished.</returns>
    public static bool IsFinished(HttpStatusCode status) => status == HttpStatusCode.OK;

    /// <summary>Gets the exit code for a run: 1 when it failed or was terminated, else 0 (success, or still running).</summary>
    /// <param name="run">The run.</param>
    /// <returns>The exit code.</returns>
    public static int ExitCode(JsonNode? run) => State(run) == Failed ? ExitCodes.Failure : ExitCodes.Success;

    /// <summary>Gets the run's state, for example <c>running</c>.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The state, or null.</returns>
    public static string? State(JsonNode? run) => run?["state"]?.ToString();
}
