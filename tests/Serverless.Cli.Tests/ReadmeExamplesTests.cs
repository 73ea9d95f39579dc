using System.Text;
using System.Text.RegularExpressions;
using Serverless.Cli.Commands;
using Serverless.Cli.Hosting;
using Serverless.Cli.Tests.Commands;
using Serverless.Cli.Tests.Support;
using Serverless.Pipelines.Tests.Samples;
using Serverless.Storage.Emulator;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Cli.Tests;

/// <summary>
/// Every CLI example of the README, read from README.md (so a changed example is a changed test), run in order as a
/// user runs them: the alias's dll as its own process in the repository root, on fresh storage, against one local host
/// started by the CLI's own launcher.
/// </summary>
public sealed partial class ReadmeExamplesTests(ITestOutputHelper log)
{
    // Examples that run elsewhere, with the reason; every other example runs here and must exit 0.
    private const string FollowedRun = "run departure-delays --param min_delay=200 --follow";

    private static readonly Dictionary<string, string> RunElsewhere = new(StringComparer.Ordinal)
    {
        [TestCommandsTests.ReadmeDagsTest] = $"starts a scratch host of its own whatever host is configured; {nameof(TestCommandsTests)} runs it and checks its counts",
        [TestCommandsTests.ReadmeTasksTest] = $"starts a scratch host of its own whatever host is configured; {nameof(TestCommandsTests)} runs it and checks its rows",
    };

    [Fact]
    public void Examples_AreReadFromTheReadme_WithTheAliasAndTheCommandsItDocuments()
    {
        var (dll, examples) = ReadExamples();

        Assert.Equal("functions/Serverless.Cli/bin/Release/net10.0/Serverless.Cli.dll", dll);
        Assert.Contains(FollowedRun, examples);
        Assert.All(RunElsewhere.Keys, line => Assert.Contains(line, examples));
    }

    [Fact]
    public async Task EveryExample_RunsInOrderOnFreshStorage_AndExitsAsDocumented()
    {
        var (dll, examples) = ReadExamples();
        await using var azurite = await AzuriteProcess.StartAsync(AzuriteProcess.FindAzuriteScript(RepositoryPaths.Root));
        var folder = Directory.CreateTempSubdirectory("cli-readme-");
        try
        {
            var launcherVariables = new Dictionary<string, string>
            {
                [LocalHostLauncher.HostDllVariable] = RepositoryPaths.LocalHostDll,
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
            };
            await using var host = await new LocalHostLauncher(launcherVariables.GetValueOrDefault, TextWriter.Null, workingDirectory: folder.FullName).StartAsync();
            var variables = new Dictionary<string, string>
            {
                [HostOptions.UrlVariable] = host.Address.ToString(),
                [HostOptions.KeyVariables[0]] = host.Key,
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
            };

            var transcript = new StringBuilder();
            string? runId = null;
            string? followed = null;
            foreach (var example in examples)
            {
                if (RunElsewhere.ContainsKey(example))
                {
                    continue;
                }

                var args = Tokenize(example).Select(a => a == "<runId>" ? runId ?? throw new InvalidOperationException($"'{example}' needs a run, and no example before it started one.") : a).ToList();
                Assert.DoesNotContain(args, a => a.StartsWith('<') && a.EndsWith('>'));
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var result = await CliProcess.RunAsync(Path.Combine(RepositoryPaths.Root, dll), args, variables, RepositoryPaths.Root, TimeSpan.FromMinutes(3));
                transcript.Append(Transcript(example, result));
                log.WriteLine($"sls {example}: exit {result.ExitCode} in {clock.Elapsed.TotalSeconds:0.0} s");
                Assert.True(result.ExitCode == ExitCodes.Success, $"README example 'sls {example}' failed:\n{transcript}");
                Assert.True(result.Output.Trim().Length > 0, $"README example 'sls {example}' printed nothing:\n{transcript}");
                if (example == FollowedRun)
                {
                    followed = result.Output;
                }

                if (StartedRun().Match(result.Output) is { Success: true } started)
                {
                    runId = started.Groups["id"].Value;
                }
            }

            // The followed run found the sample data on fresh storage (the host the CLI starts uploads it) and counted
            // as Parquet.Net and LINQ count the sample file.
            var flights = await FlightsParquet.ReadAsync(Path.Combine(RepositoryPaths.SampleData, "flights-3m.parquet"));
            var delayed = flights.LongCount(f => f.Origin == "PHL" && f.Destination == "DFW" && f.Delay > 200);
            var shortFlights = flights.LongCount(f => f.Distance < 200);
            var longFlights = flights.LongCount(f => f.Distance > 600);
            Assert.NotNull(followed);
            Assert.Matches($@"\n\s+{delayed}\s+{shortFlights}\s+{longFlights}\s*\n", followed.ReplaceLineEndings("\n"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Transcript(string example, CliResult result) => $"$ sls {example}\n{result}\n";

    private static (string Dll, List<string> Examples) ReadExamples()
    {
        var readme = File.ReadAllText(RepositoryPaths.Readme).ReplaceLineEndings("\n");
        var section = readme[readme.IndexOf("\n### CLI\n", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        var lines = new List<string>();
        string? dll = null;
        foreach (Match block in CodeBlock().Matches(section))
        {
            foreach (var line in block.Groups["body"].Value.Split('\n'))
            {
                if (Alias().Match(line) is { Success: true } alias)
                {
                    dll = alias.Groups["dll"].Value;
                }
                else if (line.StartsWith("sls ", StringComparison.Ordinal))
                {
                    lines.Add(string.Join(' ', Tokenize(line["sls ".Length..]).Select(Quote)));
                }
            }
        }

        return (dll ?? throw new InvalidOperationException("The README's CLI section defines no 'alias sls=...'."), lines);
    }

    private static string Quote(string token) => token.Contains(' ', StringComparison.Ordinal) ? $"\"{token}\"" : token;

    // Shell words as bash splits these examples: blanks separate, double or single quotes group, an unquoted # starts a comment.
    private static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var inToken = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inToken = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    inToken = false;
                }
            }
            else if (c == '#' && !inToken)
            {
                break;
            }
            else
            {
                current.Append(c);
                inToken = true;
            }
        }

        if (inToken)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    [GeneratedRegex(@"```bash\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"^alias sls='dotnet (?<dll>[^']+)'")]
    private static partial Regex Alias();

    [GeneratedRegex(@"^(?:Run|Rerun) (?<id>\S+) of \S+ (?:started|already existed)", RegexOptions.Multiline)]
    private static partial Regex StartedRun();
}
