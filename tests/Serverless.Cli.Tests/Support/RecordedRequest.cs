namespace Serverless.Cli.Tests.Support;

/// <summary>A request the fake host received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="PathAndQuery">The path and query, for example <c>/api/runs/r1/terminate?reason=x</c>.</param>
/// <param name="Body">The body text.</param>
/// <param name="Key">The <c>x-functions-key</c> header, or null.</param>
public sealed record RecordedRequest(string Method, string PathAndQuery, string Body, string? Key);
