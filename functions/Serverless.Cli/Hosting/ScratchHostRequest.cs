namespace Serverless.Cli.Hosting;

/// <summary>What a scratch host (for <c>dags test</c> and <c>tasks test</c>) serves.</summary>
/// <param name="DagFolder">The folder of the DAG files it loads, which is also its working directory; the caller owns and deletes it.</param>
public sealed record ScratchHostRequest(string DagFolder)
{
    /// <summary>The data container of a scratch host: sample data and every output of a test run go there, never to <c>data</c>.</summary>
    public const string Container = "scratch";
}
