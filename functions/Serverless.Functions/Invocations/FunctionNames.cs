namespace Serverless.Functions.Invocations;

/// <summary>The function names: folder names under <c>functions/</c>, and the paths the Functions host POSTs non-HTTP triggers to.</summary>
public static class FunctionNames
{
    /// <summary>The HTTP API (forwarded requests under /api).</summary>
    public const string HttpApi = "HttpApi";

    /// <summary>The anonymous health probe.</summary>
    public const string Health = "Health";

    /// <summary>The timer that starts due scheduled runs (every minute).</summary>
    public const string Scheduler = "Scheduler";

    /// <summary>The timer that purges old finished runs (daily).</summary>
    public const string Maintenance = "Maintenance";

    /// <summary>The queue trigger on the engine's control queue.</summary>
    public const string ControlQueue = "ControlQueue";

    /// <summary>The queue trigger on the engine's work-item queue.</summary>
    public const string WorkItemQueue = "WorkItemQueue";
}
