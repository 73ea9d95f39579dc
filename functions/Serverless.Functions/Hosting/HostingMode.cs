namespace Serverless.Functions.Hosting;

/// <summary>How the executable runs.</summary>
public enum HostingMode
{
    /// <summary>By itself: it polls the queues and ticks the scheduler in-process.</summary>
    Standalone,

    /// <summary>Under the Azure Functions host as a custom handler: the host delivers triggers over HTTP.</summary>
    CustomHandler,
}
