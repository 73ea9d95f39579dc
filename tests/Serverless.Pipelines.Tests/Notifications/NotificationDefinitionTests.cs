using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Notifications;

/// <summary>Notification targets and deadlines in DAG files: reading, validation and export.</summary>
public sealed class NotificationDefinitionTests
{
    private const string Dag = """
        id: alerts
        onFailure:
          - setting: ops-teams
            shape: teams
        onRetry: [https://hooks.example.com/retry]
        onSuccess:
          - { url: "http://127.0.0.1:9000/ok", shape: slack }
        deadline: { after: logical_date, duration: 30m }
        tasks:
          - id: load
            kind: sql
            sql: SELECT 1
            outputs: [rows]
            onFailure:
              - url: https://hooks.example.com/load?sig=abc
        """;

    [Fact]
    public void Load_TargetsAndDeadline_AreRead()
    {
        var loaded = DagFileLoader.Load(Dag, "alerts.yaml");

        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems));
        var dag = loaded.Dag!;
        Assert.Equal([new NotificationTarget { Setting = "ops-teams", Shape = NotificationShape.Teams }], dag.OnFailure);
        Assert.Equal([new NotificationTarget { Url = "https://hooks.example.com/retry" }], dag.OnRetry);
        Assert.Equal([new NotificationTarget { Url = "http://127.0.0.1:9000/ok", Shape = NotificationShape.Slack }], dag.OnSuccess);
        Assert.Equal(DeadlineAnchor.LogicalDate, dag.Deadline!.After);
        Assert.Equal(TimeSpan.FromMinutes(30), dag.Deadline.Duration);
        Assert.Equal([new NotificationTarget { Url = "https://hooks.example.com/load?sig=abc" }], dag.Tasks[0].OnFailure);
    }

    [Fact]
    public void Export_TargetsAndDeadline_LoadBackEqual()
    {
        var first = DagFileLoader.Load(Dag, "alerts.yaml").Dag!;

        var again = DagFileLoader.Load(DagJsonExporter.Export(first), "alerts.json");

        Assert.True(again.IsValid, string.Join("\n", again.Problems));
        Assert.Equal(first.OnFailure, again.Dag!.OnFailure);
        Assert.Equal(first.OnRetry, again.Dag.OnRetry);
        Assert.Equal(first.OnSuccess, again.Dag.OnSuccess);
        Assert.Equal((first.Deadline!.After, first.Deadline.Duration), (again.Dag.Deadline!.After, again.Dag.Deadline.Duration));
        Assert.Equal(first.Tasks[0].OnFailure, again.Dag.Tasks[0].OnFailure);
    }

    [Fact]
    public void Builder_TargetsAndDeadline_ExportAsTheFileWritesThem()
    {
        var teams = new NotificationTarget { Setting = "ops-teams", Shape = NotificationShape.Teams };
        var built = new DagBuilder("alerts")
            .OnFailure(teams)
            .OnRetry(new NotificationTarget { Url = "https://hooks.example.com/retry" })
            .OnSuccess(new NotificationTarget { Url = "http://127.0.0.1:9000/ok", Shape = NotificationShape.Slack })
            .Deadline(new DagDeadline { After = DeadlineAnchor.LogicalDate, Duration = TimeSpan.FromMinutes(30) })
            .Task("load", DagTaskKind.Sql, t => t.Sql("SELECT 1").Output("rows").OnFailure(new NotificationTarget { Url = "https://hooks.example.com/load?sig=abc" }))
            .Build();

        var fromFile = DagFileLoader.Load(Dag, "alerts.yaml").Dag!;

        Assert.Equal(DagJsonExporter.Export(fromFile), DagJsonExporter.Export(built));
    }

    [Theory]
    [InlineData("url: http://hooks.example.com/x", "onFailure[0].url", "https")]
    [InlineData("url: ftp://hooks.example.com/x", "onFailure[0].url", "not https")]
    [InlineData("url: https://user:pw@hooks.example.com/x", "onFailure[0].url", "user info")]
    [InlineData("url: not-a-url", "onFailure[0].url", "absolute")]
    [InlineData("setting: \"bad name!\"", "onFailure[0].setting", "invalid")]
    [InlineData("{ url: \"https://a.example/x\", setting: ops }", "onFailure[0]", "exactly one")]
    [InlineData("shape: discord\n    url: https://a.example/x", "onFailure[0].shape", "unknown notification shape")]
    public void Load_BadTarget_IsAProblemAtItsPath(string target, string path, string message)
    {
        var loaded = DagFileLoader.Load($"id: bad\nonFailure:\n  - {target}\ntasks:\n  - {{ id: a, kind: sql, sql: SELECT 1, outputs: [rows] }}\n", "bad.yaml");

        var problem = Assert.Single(loaded.Problems);
        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw@", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TooManyTargets_IsOneProblem()
    {
        var targets = string.Join(", ", Enumerable.Range(0, NotificationTarget.MaxTargetsPerList + 1).Select(i => $"https://h{i}.example/x"));

        var loaded = DagFileLoader.Load($"id: many\nonRetry: [{targets}]\ntasks:\n  - {{ id: a, kind: sql, sql: SELECT 1, outputs: [rows] }}\n", "many.yaml");

        var problem = Assert.Single(loaded.Problems);
        Assert.Equal("onRetry", problem.Path);
    }

    [Theory]
    [InlineData("deadline: { duration: 0s }\nonFailure: [https://a.example/x]", "deadline.duration")]
    [InlineData("deadline: { duration: 31d }\nonFailure: [https://a.example/x]", "deadline.duration")]
    [InlineData("deadline: { after: later, duration: 5m }\nonFailure: [https://a.example/x]", "deadline.after")]
    [InlineData("deadline: { duration: 5m }", "deadline")]
    public void Load_BadDeadline_IsAProblemAtItsPath(string deadline, string path)
    {
        var loaded = DagFileLoader.Load($"id: late\n{deadline}\ntasks:\n  - {{ id: a, kind: sql, sql: SELECT 1, outputs: [rows] }}\n", "late.yaml");

        Assert.Equal(path, Assert.Single(loaded.Problems).Path);
    }

    [Fact]
    public void Readme_NotificationExample_LoadsValid()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("### Notifications and deadlines", StringComparison.Ordinal)..];
        var start = section.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var yaml = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];

        var loaded = DagFileLoader.Load(yaml, "readme.yaml");

        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems));
        Assert.Equal(NotificationShape.Teams, Assert.Single(loaded.Dag!.OnFailure).Shape);
        Assert.Equal(TimeSpan.FromMinutes(30), loaded.Dag.Deadline!.Duration);
        Assert.Equal("opsslack", Assert.Single(loaded.Dag.Tasks[0].OnFailure).Setting);
    }

    [Fact]
    public void Describe_UrlTarget_KeepsOnlySchemeAndHost()
    {
        var target = new NotificationTarget { Url = "https://hooks.slack.com/services/T000/B000/secret?token=abc" };

        Assert.Equal("https://hooks.slack.com/…", target.Describe());
        Assert.Equal("setting:ops", new NotificationTarget { Setting = "ops" }.Describe());
    }
}
