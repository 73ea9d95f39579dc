namespace Serverless.Functions.Hosting;

/// <summary>The hosting mode the app was built for (a service, so handlers can ask).</summary>
/// <param name="Mode">The mode.</param>
public sealed record HostingModeInfo(HostingMode Mode);
