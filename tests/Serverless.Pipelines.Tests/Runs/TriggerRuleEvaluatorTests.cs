using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Runs;

namespace Serverless.Pipelines.Tests.Runs;

public sealed class TriggerRuleEvaluatorTests
{
    // The table below is written from Airflow's trigger rule documentation and its scheduler's TriggerRuleDep
    // (flag_upstream_failed = true): S success, F failed, UF upstream_failed, SK skipped, R running, Q queued,
    // UR up_for_retry, N none. Expected: Run, Wait, Skip, UpstreamFailed.
    [Theory]
    [InlineData("all_success", "S,S", "Run")]
    [InlineData("all_success", "S,R", "Wait")]
    [InlineData("all_success", "S,UR", "Wait")]
    [InlineData("all_success", "S,F", "UpstreamFailed")]
    [InlineData("all_success", "S,UF", "UpstreamFailed")]
    [InlineData("all_success", "R,F", "UpstreamFailed")]
    [InlineData("all_success", "S,SK", "Skip")]
    [InlineData("all_success", "SK,F", "UpstreamFailed")]
    [InlineData("all_failed", "F,UF", "Run")]
    [InlineData("all_failed", "F,R", "Wait")]
    [InlineData("all_failed", "F,S", "Skip")]
    [InlineData("all_failed", "F,SK", "Skip")]
    [InlineData("all_done", "S,F,SK,UF", "Run")]
    [InlineData("all_done", "S,R", "Wait")]
    [InlineData("all_done", "F,Q", "Wait")]
    [InlineData("all_skipped", "SK,SK", "Run")]
    [InlineData("all_skipped", "SK,R", "Wait")]
    [InlineData("all_skipped", "SK,S", "Skip")]
    [InlineData("all_skipped", "SK,UF", "Skip")]
    [InlineData("one_success", "S,R", "Run")]
    [InlineData("one_success", "F,R", "Wait")]
    [InlineData("one_success", "F,F", "UpstreamFailed")]
    [InlineData("one_success", "F,SK", "UpstreamFailed")]
    [InlineData("one_success", "SK,SK", "Skip")]
    [InlineData("one_failed", "F,R", "Run")]
    [InlineData("one_failed", "UF,R", "Run")]
    [InlineData("one_failed", "S,R", "Wait")]
    [InlineData("one_failed", "S,SK", "Skip")]
    [InlineData("one_done", "S,R", "Run")]
    [InlineData("one_done", "F,R", "Run")]
    [InlineData("one_done", "SK,R", "Wait")]
    [InlineData("one_done", "SK,UF", "Skip")]
    [InlineData("none_failed", "S,SK", "Run")]
    [InlineData("none_failed", "SK,SK", "Run")]
    [InlineData("none_failed", "S,R", "Wait")]
    [InlineData("none_failed", "S,F", "UpstreamFailed")]
    [InlineData("none_failed", "SK,UF", "UpstreamFailed")]
    [InlineData("none_failed_min_one_success", "S,SK", "Run")]
    [InlineData("none_failed_min_one_success", "SK,SK", "Skip")]
    [InlineData("none_failed_min_one_success", "SK,UF", "UpstreamFailed")]
    [InlineData("none_failed_min_one_success", "SK,R", "Wait")]
    [InlineData("none_skipped", "S,F", "Run")]
    [InlineData("none_skipped", "S,UF", "Run")]
    [InlineData("none_skipped", "S,R", "Wait")]
    [InlineData("none_skipped", "S,SK", "Skip")]
    [InlineData("always", "F,R", "Run")]
    [InlineData("always", "N,N", "Run")]
    public void Evaluate_AirflowTable_MatchesAirflow(string rule, string states, string expected)
    {
        var parsed = states.Split(',').Select(Parse).ToList();

        var decision = TriggerRuleEvaluator.Evaluate(ParseRule(rule), parsed);

        Assert.Equal(Enum.Parse<TriggerDecision>(expected), decision);
    }

    [Fact]
    public void Evaluate_NoUpstreams_RunsForEveryRule()
    {
        foreach (var rule in Enum.GetValues<TriggerRule>())
        {
            Assert.Equal(TriggerDecision.Run, TriggerRuleEvaluator.Evaluate(rule, []));
        }
    }

    private static TriggerRule ParseRule(string text) => text switch
    {
        "all_success" => TriggerRule.AllSuccess,
        "all_failed" => TriggerRule.AllFailed,
        "all_done" => TriggerRule.AllDone,
        "all_skipped" => TriggerRule.AllSkipped,
        "one_success" => TriggerRule.OneSuccess,
        "one_failed" => TriggerRule.OneFailed,
        "one_done" => TriggerRule.OneDone,
        "none_failed" => TriggerRule.NoneFailed,
        "none_failed_min_one_success" => TriggerRule.NoneFailedMinOneSuccess,
        "none_skipped" => TriggerRule.NoneSkipped,
        "always" => TriggerRule.Always,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, null),
    };

    private static TaskInstanceState Parse(string text) => text switch
    {
        "S" => TaskInstanceState.Success,
        "F" => TaskInstanceState.Failed,
        "UF" => TaskInstanceState.UpstreamFailed,
        "SK" => TaskInstanceState.Skipped,
        "R" => TaskInstanceState.Running,
        "Q" => TaskInstanceState.Queued,
        "UR" => TaskInstanceState.UpForRetry,
        "N" => TaskInstanceState.None,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, null),
    };
}
