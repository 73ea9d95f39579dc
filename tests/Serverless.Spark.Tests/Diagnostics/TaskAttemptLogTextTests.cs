using Serverless.Spark.Data;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Tests.Diagnostics;

/// <summary>The attempt log's path, its masking of secret conf values, and the trace ids it shares with every host.</summary>
public sealed class TaskAttemptLogTextTests
{
    [Fact]
    public void AttemptLog_PlainAndMapped_LiveUnderTheRunFolderInLogs()
    {
        Assert.Equal("data/dag-a/run-1/_logs/load/attempt-2.log", RunDataLayout.AttemptLog("data", "dag-a", "run-1", "load", null, 2).ToString());
        Assert.Equal("data/dag-a/run-1/_logs/load/map_index=7/attempt-1.log", RunDataLayout.AttemptLog("data", "dag-a", "run-1", "load", 7, 1).ToString());
        Assert.StartsWith(RunDataLayout.RunFolder("data", "dag-a", "run-1").ToString(), RunDataLayout.AttemptLog("data", "dag-a", "run-1", "load", null, 1).ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RunDataLayout.AttemptLog("data", "dag-a", "run-1", "../x", null, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RunDataLayout.AttemptLog("data", "dag-a", "run-1", "load", null, 0));
    }

    [Theory]
    [InlineData("spark.hadoop.fs.azure.account.key.acct.blob.core.windows.net", true)]
    [InlineData("spark.hadoop.fs.azure.sas.container.acct.blob.core.windows.net", true)]
    [InlineData("spark.datasource.password", true)]
    [InlineData("spark.myapp.apiToken", true)]
    [InlineData("spark.hadoop.fs.azure.account.oauth2.client.secret", true)]
    [InlineData("spark.sql.shuffle.partitions", false)]
    [InlineData("spark.executor.memory", false)]
    [InlineData("spark.sql.sources.partitionOverwriteMode", false)]
    public void IsSecretConfKey_NamesOfCredentials_AreSecret(string key, bool secret) =>
        Assert.Equal(secret, TaskAttemptLogText.IsSecretConfKey(key));

    [Fact]
    public void Spec_SecretConf_IsMaskedAndTheRestShownWithTheSql()
    {
        var spec = new SparkJobSpec("d.t", SparkJobKind.Sql)
        {
            Sql = "SELECT 1 AS one\nFROM x",
            Conf = new Dictionary<string, string> { ["spark.datasource.password"] = "hunter2-secret", ["spark.sql.shuffle.partitions"] = "4" },
        };

        var lines = TaskAttemptLogText.Spec(spec).ToList();

        Assert.Contains("  conf spark.datasource.password = ***", lines);
        Assert.Contains("  conf spark.sql.shuffle.partitions = 4", lines);
        Assert.Equal(["    SELECT 1 AS one", "    FROM x"], lines.SkipWhile(l => l != "  sql:").Skip(1));
        Assert.DoesNotContain(lines, l => l.Contains("hunter2-secret", StringComparison.Ordinal));
        Assert.Equal(["hunter2-secret"], TaskAttemptLogText.SecretConfValues(spec));
    }

    [Fact]
    public void Failure_CauseChain_IsWrittenInnermostLast()
    {
        var error = new InvalidOperationException("submit failed", new IOException("connection reset", new TimeoutException("no answer")));

        Assert.Equal(
            ["submit failed: InvalidOperationException: submit failed", "  caused by IOException: connection reset", "  caused by TimeoutException: no answer"],
            TaskAttemptLogText.Failure("submit", error));
    }

    [Fact]
    public void RunTrace_SameAttempt_SameIdsOnEveryCall_OtherAttemptOtherSpan()
    {
        var first = new TaskAttemptLogTarget("data", "d", "run-1", "load", null, 1);
        var again = first with { };
        var second = first with { Attempt = 2 };

        Assert.Equal(RunTrace.TaskAttemptContext(first), RunTrace.TaskAttemptContext(again));
        Assert.Equal(RunTrace.TraceId("run-1"), RunTrace.TaskAttemptContext(second).TraceId);
        Assert.NotEqual(RunTrace.TaskAttemptSpanId(first), RunTrace.TaskAttemptSpanId(second));
        Assert.NotEqual(RunTrace.TraceId("run-1"), RunTrace.TraceId("run-2"));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", RunTrace.TraceParent(first));
    }
}
