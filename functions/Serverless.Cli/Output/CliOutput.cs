using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Serverless.Cli.Output;

/// <summary>Where one command writes: a Spectre.Console console on standard output, standard error, and JSON documents.</summary>
/// <remarks>
/// When standard output is not a terminal the console has no colors and no width limit, so tables and messages are
/// never cut or wrapped at 80 columns in logs and pipes. With <c>--json</c> standard output carries only the JSON
/// document; everything meant for a person goes to standard error.
/// </remarks>
public sealed class CliOutput
{
    /// <summary>The width used when standard output is not a terminal: wider than any table or message the CLI prints.</summary>
    public const int UnlimitedWidth = 4096;

    // Relaxed escaping keeps quotes and non-ASCII text readable (the document goes to a terminal or a pipe, never into HTML).
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly TextWriter output;

    /// <summary>Initializes a new instance of the <see cref="CliOutput"/> class.</summary>
    /// <param name="environment">The CLI's environment.</param>
    /// <param name="json">Whether the command prints JSON.</param>
    public CliOutput(CliEnvironment environment, bool json)
    {
        ArgumentNullException.ThrowIfNull(environment);
        this.output = environment.Output;
        this.Error = environment.Error;
        this.Json = json;
        this.IsTerminal = environment.OutputIsTerminal && !json;
        this.Console = CreateConsole(json ? environment.Error : environment.Output, this.IsTerminal);
    }

    /// <summary>Gets the console for human-readable output: standard output, or standard error under <c>--json</c>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Gets standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Gets a value indicating whether the command prints JSON.</summary>
    public bool Json { get; }

    /// <summary>Gets a value indicating whether the console is an interactive terminal (live tables, colors).</summary>
    public bool IsTerminal { get; }

    /// <summary>Creates a console on a writer: the terminal's capabilities, or plain text of unlimited width.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="terminal">Whether the writer is a terminal.</param>
    /// <returns>The console.</returns>
    public static IAnsiConsole CreateConsole(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = UnlimitedWidth;
        }

        return console;
    }

    /// <summary>Writes a JSON document to standard output.</summary>
    /// <param name="document">The document (null prints <c>null</c>).</param>
    public void WriteJson(JsonNode? document)
    {
        this.output.WriteLine(document?.ToJsonString(Indented) ?? "null");
        this.output.Flush();
    }

    /// <summary>Writes an error line to standard error.</summary>
    /// <param name="message">The message.</param>
    public void WriteError(string message)
    {
        this.Error.WriteLine($"error: {message}");
        this.Error.Flush();
    }
}
