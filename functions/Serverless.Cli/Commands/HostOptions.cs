using System.CommandLine;

namespace Serverless.Cli.Commands;

/// <summary>The options every command takes to reach a host: <c>--url</c> and <c>--key</c>, with their environment variables.</summary>
public sealed class HostOptions
{
    /// <summary>The environment variable read when <c>--url</c> is not given.</summary>
    public const string UrlVariable = "SERVERLESS_URL";

    /// <summary>The environment variables read, in order, when <c>--key</c> is not given.</summary>
    public static readonly IReadOnlyList<string> KeyVariables = ["SERVERLESS_KEY", "Serverless__ApiKey"];

    /// <summary>Gets the <c>--url</c> option.</summary>
    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"A running host, for example http://127.0.0.1:7071 (or {UrlVariable}). Without it a local host is started for the command and stopped after it.",
        HelpName = "url",
        Recursive = true,
    };

    /// <summary>Gets the <c>--key</c> option.</summary>
    public Option<string?> Key { get; } = new("--key")
    {
        Description = $"The host's API key (or {string.Join(" / ", KeyVariables)}).",
        HelpName = "key",
        Recursive = true,
    };
}
