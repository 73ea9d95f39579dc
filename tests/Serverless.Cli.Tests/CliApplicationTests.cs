using System.CommandLine;
using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests;

/// <summary>Parsing: help on every command, and usage errors that exit 2 with a suggestion and start nothing.</summary>
public sealed class CliApplicationTests
{
    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string> { string.Empty };
        using var output = new StringWriter();
        var root = new CliApplication(new CliEnvironment(output, output, false, _ => null, new RecordingLauncher())).Root;
        void Add(Command command, string prefix)
        {
            foreach (var sub in command.Subcommands)
            {
                var path = (prefix + " " + sub.Name).Trim();
                data.Add(path);
                Add(sub, path);
            }
        }

        Add(root, string.Empty);
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task Help_OnEveryCommand_PrintsUsageAndExits0WithoutStartingAHost(string path)
    {
        var launcher = new RecordingLauncher();

        var result = await InProcessCli.RunWithAsync(null, launcher, [.. path.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
        Assert.Contains($"Serverless.Cli {path}".Trim(), result.Output, StringComparison.Ordinal);
        Assert.Equal(0, launcher.Starts);
    }

    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        var result = await InProcessCli.RunAsync("--help");

        foreach (var command in new[] { "dags", "run", "status", "terminate", "rerun", "backfill", "tasks" })
        {
            Assert.Contains($"  {command} ", result.Output, StringComparison.Ordinal);
        }
    }

    // Commands without a JSON form, with the reason; every other command is a read command and takes --json.
    private static readonly Dictionary<string, string> ActionCommands = new(StringComparer.Ordinal)
    {
        ["terminate"] = "changes a run and prints no document",
    };

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task Json_OnEveryReadCommand_IsAnOption(string path)
    {
        var root = new CliApplication(new CliEnvironment(TextWriter.Null, TextWriter.Null, false, _ => null, new RecordingLauncher())).Root;
        var command = path.Split(' ', StringSplitOptions.RemoveEmptyEntries).Aggregate((Command)root, (parent, name) => parent.Subcommands.Single(c => c.Name == name));
        if (command.Subcommands.Count > 0 || ActionCommands.ContainsKey(path))
        {
            // A group (or an action) has no document to print; its leaves are checked on their own.
            return;
        }

        var result = await InProcessCli.RunAsync([.. path.Split(' '), "--help"]);

        Assert.Contains("--json", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("runz list", "runz")]
    [InlineData("tasks tset departure-delays load", "tset")]
    [InlineData("dags tets departure-delays", "tets")]
    [InlineData("runn departure-delays", "runn")]
    [InlineData("dags lst", "lst")]
    public async Task UnknownCommand_Exits2NamingItAndStartsNothing(string line, string unknown)
    {
        var launcher = new RecordingLauncher();

        var result = await InProcessCli.RunWithAsync(null, launcher, line.Split(' '));

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains($"'{unknown}'", result.Error, StringComparison.Ordinal);
        Assert.Contains("--help", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Output);
        Assert.Equal(0, launcher.Starts);
    }

    [Fact]
    public async Task UnknownCommand_CloseToAKnownOne_SuggestsIt()
    {
        var result = await InProcessCli.RunAsync("runz", "list");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Did you mean", result.Error, StringComparison.Ordinal);
        Assert.Contains("\nrun", result.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_Exits2AndSuggestsTheOptionItResembles()
    {
        var launcher = new RecordingLauncher();

        var result = await InProcessCli.RunWithAsync(null, launcher, "run", "departure-delays", "--folow");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("'--folow'", result.Error, StringComparison.Ordinal);
        Assert.Contains("--follow", result.Error, StringComparison.Ordinal);
        Assert.Contains("Serverless.Cli run --help", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, launcher.Starts);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("run")]
    [InlineData("dags", "validate")]
    [InlineData("backfill", "flights-daily", "--from", "2024-01-01")]
    [InlineData("run", "d", "--rows", "many")]
    [InlineData("run", "d", "--rows", "-1")]
    [InlineData("run", "d", "--param", "no-equals-sign")]
    [InlineData("backfill", "d", "--from", "a", "--to", "b", "--max-active-runs", "0")]
    [InlineData("status", "r1", "--url")]
    public async Task MissingOrMalformedValue_Exits2AndStartsNothing(params string[] args)
    {
        var launcher = new RecordingLauncher();

        var result = await InProcessCli.RunWithAsync(null, launcher, args);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.NotEqual(string.Empty, result.Error.Trim());
        Assert.Equal(0, launcher.Starts);
    }

    [Fact]
    public async Task NoCommand_Exits2()
    {
        var result = await InProcessCli.RunAsync();

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Serverless.Cli --help", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_NotInATerminal_IsNotWrappedAt80Columns()
    {
        var result = await InProcessCli.RunAsync("--help");

        // The --url description is longer than 80 columns: it must come out on one line.
        Assert.Contains(
            result.Output.ReplaceLineEndings("\n").Split('\n'),
            line => line.Contains("--url", StringComparison.Ordinal) && line.EndsWith("stopped after it.", StringComparison.Ordinal) && line.Length > 100);
    }
}
