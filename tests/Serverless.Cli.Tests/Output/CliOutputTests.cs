using Serverless.Cli.Output;
using Spectre.Console;

namespace Serverless.Cli.Tests.Output;

/// <summary>The console the commands write to: no width limit and no escape codes when standard output is not a terminal.</summary>
public sealed class CliOutputTests
{
    [Fact]
    public void Console_NotATerminal_HasNoWidthLimitAndNoColors()
    {
        using var writer = new StringWriter();
        var console = CliOutput.CreateConsole(writer, terminal: false);
        var table = new Table().AddColumns("id", "file");
        var file = new string('f', 300);
        table.AddRow("a", file);

        console.Markup("[red]plain[/]");
        console.Write(table);

        Assert.Equal(CliOutput.UnlimitedWidth, console.Profile.Width);
        Assert.DoesNotContain('\u001b', writer.ToString());
        Assert.Contains(writer.ToString().ReplaceLineEndings("\n").Split('\n'), line => line.Contains(file, StringComparison.Ordinal));
    }

    [Fact]
    public void Json_GoesToStdout_AndHumanTextToStderr()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var cli = new CliOutput(new CliEnvironment(output, error, outputIsTerminal: true, _ => null, new Support.RecordingLauncher()), json: true);

        cli.Console.WriteLine("progress");
        cli.WriteJson(new System.Text.Json.Nodes.JsonObject { ["a"] = "it's → ok" });

        Assert.False(cli.IsTerminal);
        Assert.Equal("{\n  \"a\": \"it's → ok\"\n}", output.ToString().ReplaceLineEndings("\n").Trim());
        Assert.Contains("progress", error.ToString(), StringComparison.Ordinal);
    }
}
