using System.Text.Json.Nodes;

namespace Serverless.Cli.Tests.Support;

/// <summary>What one CLI invocation returned and printed.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>Parses standard output as one JSON document.</summary>
    /// <returns>The document.</returns>
    public JsonNode Json() => JsonNode.Parse(this.Output) ?? throw new InvalidOperationException("Standard output is the JSON literal null.");

    /// <inheritdoc/>
    public override string ToString() => $"exit {this.ExitCode}\n--- stdout\n{this.Output}\n--- stderr\n{this.Error}";
}
