namespace Serverless.Infra.Tests.Bicep;

/// <summary>What a finished process returned and printed.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">Everything written to standard output.</param>
/// <param name="StandardError">Everything written to standard error.</param>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Gets both streams, for failure messages.</summary>
    public string Transcript => $"exit code {this.ExitCode}\n--- stdout ---\n{this.StandardOutput}\n--- stderr ---\n{this.StandardError}";
}
