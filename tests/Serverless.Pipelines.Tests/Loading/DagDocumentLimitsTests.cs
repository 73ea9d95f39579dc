using System.Diagnostics;
using System.Text;
using Serverless.Pipelines.Loading;

namespace Serverless.Pipelines.Tests.Loading;

/// <summary>Hostile DAG documents are refused by a named limit, quickly and in little memory, never by a crash.</summary>
public sealed class DagDocumentLimitsTests
{
    // Well above what the refusals cost (a few MB) and far below what the unguarded parse of the bombs took (GBs).
    private const long MaxAllocatedBytes = 200L * 1024 * 1024;

    // The parse budget is 2 s; the margin is for a shared, loaded build machine (the issue's bound is 5 s).
    private static readonly TimeSpan MaxElapsed = TimeSpan.FromSeconds(5);

    public static TheoryData<string, string, string> Hostile() => new()
    {
        // Each of the first four took the host down (stack overflow) or ran for minutes before the limits.
        { "self alias", "a: &a [*a]", "recursive alias" },
        { "100,000 nested flow sequences", "x: " + new string('[', 100_000), nameof(DagDocumentLimits.MaxDepth) },
        { "20,000 nested flow mappings", "x: " + string.Concat(Enumerable.Repeat("{a: ", 20_000)), nameof(DagDocumentLimits.MaxDepth) },
        { "billion laughs, 9 levels", BillionLaughs(9), nameof(DagDocumentLimits.MaxNodes) },
        { "billion laughs, 8 levels", BillionLaughs(8), nameof(DagDocumentLimits.MaxNodes) },
        { "nested block sequences", "x:\n" + string.Concat(Enumerable.Repeat("- ", 10_000)) + "y\n", nameof(DagDocumentLimits.MaxDepth) },
        { "nested block mappings", "x:\n" + string.Concat(Enumerable.Range(1, 1_000).Select(i => new string(' ', i) + "a:\n")), nameof(DagDocumentLimits.MaxDepth) },
        { "alias expanding past the depth", "a: &a " + new string('[', 40) + new string(']', 40) + "\nb: " + new string('[', 40) + "*a" + new string(']', 40), nameof(DagDocumentLimits.MaxDepth) },
        { "self alias inside a mapping", "a: &a {b: [1, {c: *a}]}", "recursive alias" },
        { "alias to no anchor", "a: *nowhere", "names no anchor" },
        { "anchor defined twice", "a: &x [1]\nb: &x [2]\nc: *x", "defined twice" },
        { "bomb in a second document", "id: a\n---\n" + BillionLaughs(9), "one YAML document" },
        { "too many nodes without aliases", "x: [" + string.Join(",", Enumerable.Repeat("1", DagDocumentLimits.MaxNodes)) + "]", nameof(DagDocumentLimits.MaxNodes) },
    };

    public static TheoryData<string, string, string> HostileJson() => new()
    {
        { "100,000 nested arrays", "{\"x\": " + new string('[', 100_000), nameof(DagDocumentLimits.MaxDepth) },
        { "20,000 nested objects", string.Concat(Enumerable.Repeat("{\"a\": ", 20_000)), nameof(DagDocumentLimits.MaxDepth) },
        { "too many nodes", "{\"x\": [" + string.Join(",", Enumerable.Repeat("1", DagDocumentLimits.MaxNodes)) + "]}", nameof(DagDocumentLimits.MaxNodes) },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Load_HostileYaml_ListsLimitProblemInBoundedTimeAndMemory(string name, string content, string expected)
    {
        AssertRefusedCheaply(name, content, "hostile.yaml", expected);
    }

    [Theory]
    [MemberData(nameof(HostileJson))]
    public void Load_HostileJson_ListsLimitProblemInBoundedTimeAndMemory(string name, string content, string expected)
    {
        AssertRefusedCheaply(name, content, "hostile.json", expected);
    }

    [Theory]
    [InlineData("yaml", 63, false)]
    [InlineData("yaml", 64, true)]
    [InlineData("json", 63, false)]
    [InlineData("json", 64, true)]
    public void Load_NestingAtTheLimit_AcceptedOneMoreRefused(string format, int brackets, bool refused)
    {
        // The root mapping is level 1, so x's value with n brackets reaches level n + 1.
        var content = format == "yaml"
            ? "x: " + new string('[', brackets) + new string(']', brackets)
            : "{\"x\": " + new string('[', brackets) + new string(']', brackets) + "}";

        var result = DagFileLoader.Load(content, "edge." + format);

        Assert.Equal(refused, result.Problems.Any(p => p.Message.Contains(nameof(DagDocumentLimits.MaxDepth), StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("yaml", DagDocumentLimits.MaxTasks, false)]
    [InlineData("yaml", DagDocumentLimits.MaxTasks + 1, true)]
    [InlineData("json", DagDocumentLimits.MaxTasks, false)]
    [InlineData("json", DagDocumentLimits.MaxTasks + 1, true)]
    public void Load_TaskCountAtTheLimit_AcceptedOneMoreRefused(string format, int count, bool refused)
    {
        var content = format == "yaml"
            ? "id: many\ntasks:\n" + string.Concat(Enumerable.Range(0, count).Select(i => $"  - {{id: t{i}, kind: sql, sql: SELECT 1, outputs: [o{i}]}}\n"))
            : "{\"id\": \"many\", \"tasks\": [" + string.Join(",\n", Enumerable.Range(0, count).Select(i => $"{{\"id\": \"t{i}\", \"kind\": \"sql\", \"sql\": \"SELECT 1\", \"outputs\": [\"o{i}\"]}}")) + "]}";

        var result = DagFileLoader.Load(content, "many." + format);

        if (refused)
        {
            // Refused by its count, at the first task too many (line MaxTasks + 3 in YAML, + 1 in JSON), with no model.
            Assert.Null(result.Dag);
            var problem = Assert.Single(result.Problems);
            Assert.Contains(nameof(DagDocumentLimits.MaxTasks), problem.Message, StringComparison.Ordinal);
            Assert.Equal(format == "yaml" ? count + 2 : count, problem.Line);
        }
        else
        {
            Assert.True(result.IsValid, string.Join("\n", result.Problems.Take(3)));
            Assert.Equal(count, result.Dag!.Tasks.Count);
        }
    }

    [Fact]
    public void Load_TooManyTasksThenBrokenYaml_RefusedByTheCountWithoutReadingOn()
    {
        // The syntax error after the first task too many is never reached: the scan stops at the count.
        var yaml = "id: many\ntasks:\n" + string.Concat(Enumerable.Range(0, DagDocumentLimits.MaxTasks + 1).Select(i => $"  - {{id: t{i}}}\n")) + "  - [unclosed\n";

        var problem = Assert.Single(DagFileLoader.Load(yaml, "many.yaml").Problems);

        Assert.Contains(nameof(DagDocumentLimits.MaxTasks), problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yaml")]
    [InlineData("json")]
    public void Scan_LongListUnderAKeyNamedTasksBelowTheRoot_IsNotCountedAsTasks(string format)
    {
        // Only the root's tasks list holds tasks; a "tasks" key deeper down (a param here) is any other list.
        var items = string.Join(", ", Enumerable.Repeat("1", DagDocumentLimits.MaxTasks + 1));
        var content = format == "yaml"
            ? $"id: x\nparams:\n  tasks: [{items}]\n"
            : $"{{\"id\": \"x\", \"params\": {{\"tasks\": [{items}]}}}}";

        var root = format == "yaml"
            ? YamlSourceReader.Read(content, TimeSpan.FromMinutes(1), out var error)
            : JsonSourceReader.Read(content, TimeSpan.FromMinutes(1), out error);

        Assert.Null(error);
        Assert.NotNull(root);
    }

    [Fact]
    public void Load_AliasesWithinLimits_AreExpanded()
    {
        const string yaml = """
            id: anchored
            tags: &tags [nightly, finance]
            params:
              labels: { type: array, default: *tags }
            tasks:
              - id: t
                kind: sql
                sql: SELECT 1
                outputs: [o]
            """;

        var result = DagFileLoader.Load(yaml, "anchored.yaml");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal("[\"nightly\",\"finance\"]", result.Dag!.FindParam("labels")!.Default!.ToJsonString());
    }

    [Fact]
    public void Load_BrokenFlowSequenceYamlDotNetThrowsOn_IsASyntaxProblem()
    {
        // YamlDotNet's scanner throws InvalidOperationException here, which used to escape the loader.
        var result = DagFileLoader.Load("a: [b&\nc: d\n", "broken.yaml");

        Assert.Null(result.Dag);
        Assert.Contains("YAML syntax error", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x: 1\n", "yaml")]
    [InlineData("{\"x\": 1}", "json")]
    public void Read_ZeroTimeBudget_RefusedByTheBudget(string content, string format)
    {
        (int Line, int Column, string Message)? error;
        var root = format == "yaml" ? YamlSourceReader.Read(content, TimeSpan.Zero, out error) : JsonSourceReader.Read(content, TimeSpan.Zero, out error);

        Assert.Null(root);
        Assert.Contains(nameof(DagDocumentLimits.ParseTimeBudgetMilliseconds), error!.Value.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("startDate: 9999-12-31T23:59:59\ntimeZone: America/New_York\n", "outside the dates")]
    [InlineData("startDate: 9999-12-31T23:59:59.9999999Z\n", "outside the dates")]
    [InlineData("startDate: 1899-12-31\n", "outside the dates")]
    [InlineData("params:\n  n: { type: integer, default: 1e20 }\n", "outside the range of an integer parameter")]
    [InlineData("params:\n  n: { type: integer, default: 9223372036854775808 }\n", "outside the range of an integer parameter")]
    [InlineData("params:\n  x: { type: number, default: 1e400 }\n", "outside the range of a number parameter")]
    [InlineData("defaults: { retryDelay: 1e300 }\n", "is not a duration")]
    [InlineData("defaults: { retryDelay: NaN }\n", "is not a duration")]
    [InlineData("defaults: { retryDelay: 99999999999999d }\n", "is not a duration")]
    [InlineData("defaults: { retryDelay: P99999999999Y }\n", "is not a duration")]
    public void Load_ValueAtTheEdgeOfItsType_IsAProblemNotAnException(string fields, string message)
    {
        var result = DagFileLoader.Load("id: edge\n" + fields + "tasks: []\n", "edge.yaml");

        Assert.Contains(result.Problems, p => p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("007", "7")]
    [InlineData("-00.5", "-0.5")]
    [InlineData("+.5", "0.5")]
    public void Load_YamlNumberJsonDoesNotAllow_IsNormalized(string yamlNumber, string json)
    {
        var result = DagFileLoader.Load($"id: n\nparams:\n  n: {{ type: number, default: {yamlNumber} }}\ntasks: []\n", "n.yaml");

        Assert.Equal(json, result.Dag!.FindParam("n")!.Default!.ToJsonString());
    }

    [Fact]
    public async Task DagFolderSource_HostileAndHugeFiles_AreListedProblems()
    {
        var folder = Directory.CreateTempSubdirectory("dags").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "a-bomb.yaml"), BillionLaughs(9));
            await File.WriteAllTextAsync(Path.Combine(folder, "b-alias.yaml"), "a: &a [*a]");
            await File.WriteAllTextAsync(Path.Combine(folder, "c-huge.yaml"), "x: \"" + new string('y', DagDocumentLimits.MaxDocumentBytes) + "\"\n");
            await File.WriteAllTextAsync(Path.Combine(folder, "d-good.yaml"), "id: good\ntasks:\n  - id: t\n    kind: sql\n    sql: SELECT 1\n    outputs: [o]\n");

            var results = await new DagFolderSource(folder).LoadAsync();

            Assert.Equal(["a-bomb.yaml", "b-alias.yaml", "c-huge.yaml", "d-good.yaml"], results.Select(r => r.FileName));
            Assert.Contains(nameof(DagDocumentLimits.MaxNodes), Assert.Single(results[0].Problems).Message, StringComparison.Ordinal);
            Assert.Contains("recursive alias", Assert.Single(results[1].Problems).Message, StringComparison.Ordinal);
            Assert.Contains(nameof(DagDocumentLimits.MaxDocumentBytes), Assert.Single(results[2].Problems).Message, StringComparison.Ordinal);
            Assert.True(results[3].IsValid, string.Join("\n", results[3].Problems));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task LoadFileAsync_LinkToAnEndlessDevice_IsTooLargeNotARead()
    {
        // /dev/zero reports a length of 0 and never ends: only a bounded read keeps it from taking the memory.
        if (!File.Exists("/dev/zero"))
        {
            return;
        }

        var folder = Directory.CreateTempSubdirectory("dags").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(folder, "zero.yaml"), "/dev/zero");

            var result = await DagFileLoader.LoadFileAsync(Path.Combine(folder, "zero.yaml"));

            Assert.Null(result.Dag);
            Assert.Contains(nameof(DagDocumentLimits.MaxDocumentBytes), Assert.Single(result.Problems).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task LoadFileAsync_SqlFileOverTheLimit_IsNotRead()
    {
        var folder = Directory.CreateTempSubdirectory("dags").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "big.sql"), "SELECT '" + new string('y', DagDocumentLimits.MaxDocumentBytes) + "'");
            await File.WriteAllTextAsync(Path.Combine(folder, "d.yaml"), "id: d\ntasks:\n  - id: t\n    kind: sql\n    sqlFile: big.sql\n    outputs: [o]\n");

            var result = await DagFileLoader.LoadFileAsync(Path.Combine(folder, "d.yaml"));

            Assert.Null(result.Dag!.Tasks[0].Sql);
            Assert.Contains(result.Problems, p => p.Path == "tasks[0].sqlFile" && p.Message.Contains(nameof(DagDocumentLimits.MaxDocumentBytes), StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Each level repeats the one before nine times: 9 levels expand to 9^9 (387 million) strings from under 600 bytes.
    private static string BillionLaughs(int levels)
    {
        var text = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level < levels; level++)
        {
            var previous = $"*l{level - 1}";
            text.Append($"l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat(previous, 9))}]\n");
        }

        return text.ToString();
    }

    private static void AssertRefusedCheaply(string name, string content, string fileName, string expected)
    {
        // Per-thread allocation, not the process total: other test classes run in parallel, and Load is synchronous.
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        var result = DagFileLoader.Load(content, fileName);

        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Null(result.Dag);
        var problem = Assert.Single(result.Problems);
        // On a loaded machine a document just past MaxNodes can reach the time budget first; either limit refuses it.
        var refusedByTime = expected == nameof(DagDocumentLimits.MaxNodes)
            && problem.Message.Contains(nameof(DagDocumentLimits.ParseTimeBudgetMilliseconds), StringComparison.Ordinal);
        Assert.True(refusedByTime || problem.Message.Contains(expected, StringComparison.Ordinal), $"{name}: expected '{expected}' in: {problem}");
        Assert.True(clock.Elapsed < MaxElapsed, $"{name}: took {clock.Elapsed}");
        Assert.True(allocated < MaxAllocatedBytes, $"{name}: allocated {allocated:N0} bytes");
    }
}
