using Serverless.Spark.Dialect;
using Xunit.Abstractions;

namespace Serverless.Spark.Tests.Dialect;

/// <summary>
/// The conformance suite: Spark's documented function examples run on the local backend's dialect. Each example is
/// passed (Spark's documented result), refused (the dialect names what it does not support, before running) or
/// wrong (a different result, or an error while running). Wrong must be zero; refusals are listed in the README.
/// </summary>
public sealed class SparkConformanceTests
{
    private readonly ITestOutputHelper output;

    public SparkConformanceTests(ITestOutputHelper output) => this.output = output;

    public enum Outcome
    {
        Passed,
        Refused,
        Wrong,
    }

    public static TheoryData<SparkDocumentedExample> Examples => new(SparkDocumentedExamples.All);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_OnTheLocalDialect_IsPassedOrRefusedNeverWrong(SparkDocumentedExample example)
    {
        (Outcome outcome, string detail) = Run(example);

        Assert.True(outcome != Outcome.Wrong, $"{example.Function}: {example.Sql}\nexpected: {example.Expected}\nactual:   {detail}");
    }

    [Fact]
    public void Suite_AllExamples_HasNoWrongResultAndPassesAtLeast85Percent()
    {
        var results = SparkDocumentedExamples.All.Select(e => (Example: e, Result: Run(e))).ToList();
        int passed = results.Count(r => r.Result.Outcome == Outcome.Passed);
        int refused = results.Count(r => r.Result.Outcome == Outcome.Refused);
        int wrong = results.Count(r => r.Result.Outcome == Outcome.Wrong);
        this.output.WriteLine($"Spark conformance: {passed} passed, {refused} refused, {wrong} wrong of {results.Count} ({100.0 * passed / results.Count:F1}% passed)");
        foreach (var (example, result) in results.Where(r => r.Result.Outcome != Outcome.Passed))
        {
            this.output.WriteLine($"{result.Outcome}: {example.Function}: {example.Sql} -> {result.Detail}");
        }

        Assert.True(results.Count >= 150, $"the suite has {results.Count} examples; at least 150 are required");
        Assert.Equal(0, wrong);
        Assert.True(passed >= results.Count * 0.85, $"{passed} of {results.Count} passed; at least 85% are required");
    }

    private static (Outcome Outcome, string Detail) Run(SparkDocumentedExample example)
    {
        IReadOnlyList<SparkSqlProblem> problems = SparkSqlDialect.Check(example.Sql);
        if (problems.Count > 0)
        {
            return (Outcome.Refused, string.Join("; ", problems));
        }

        try
        {
            using var database = new DialectDatabase("America/Los_Angeles");
            string actual = database.Run(example.Sql);

            // Row order is not part of a query's result without ORDER BY; the documentation shows one order.
            return Sorted(actual) == Sorted(example.Expected) ? (Outcome.Passed, actual) : (Outcome.Wrong, actual);
        }
        catch (DuckDB.NET.Data.DuckDBException e)
        {
            return (Outcome.Wrong, "error: " + e.Message);
        }
    }

    private static string Sorted(string rows) => string.Join("\n", rows.Split('\n').Order(StringComparer.Ordinal));
}
