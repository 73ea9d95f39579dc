using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Functions.Api;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Service;

namespace Serverless.Functions.Tests.Api;

/// <summary>Request bodies are read strictly: duplicates, ranges and dates are 400s naming what is wrong, never 500s.</summary>
public sealed class StrictJsonTests
{
    private const string ParamsDag = """
        id: typed
        params:
          n: { type: integer }
          x: { type: number }
        tasks: []
        """;

    [Theory]
    // The probe's cases: each was a 500 before.
    [InlineData("""{"runId":"a","runId":"b"}""", "runId")]
    [InlineData("""{"params":{"n":1},"params":{"n":2}}""", "params")]
    [InlineData("""{"params":{"n":1,"n":2}}""", "params.n")]
    [InlineData("""{"logicalDate":"2024-01-01T00:00:00Z","logicalDate":"2024-01-02T00:00:00Z"}""", "logicalDate")]
    [InlineData("""{"from":"2024-01-01T00:00:00Z","from":"2024-01-02T00:00:00Z"}""", "from")]
    [InlineData("""{"maxActiveRuns":1,"maxActiveRuns":2}""", "maxActiveRuns")]
    [InlineData("""{"tasks":["a"],"tasks":["b"]}""", "tasks")]
    [InlineData("""{"params":{"o":{"deep":[{"k":1,"k":2}]}}}""", "params.o.deep[0].k")]
    [InlineData("""[{"a":1},{"b":1,"b":2}]""", "[1].b")]
    // The same name spelled with an escape is the same member.
    [InlineData("""{"runId":"a","\u0072unId":"b"}""", "runId")]
    public void Check_DuplicateMemberAtAnyDepth_Is400NamingIt(string json, string member)
    {
        var error = Assert.Throws<ApiProblemException>(() => StrictJson.Check(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(StatusCodes.Status400BadRequest, error.Status);
        Assert.Equal(StrictJson.DuplicateMemberTitle, error.Title);
        Assert.Equal(member, error.Extensions!["member"]);
        Assert.Contains($"'{member}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a":{"x":1},"b":{"x":2}}""")]
    [InlineData("""[{"x":1},{"x":2}]""")]
    [InlineData("""{"x":[1,1,1]}""")]
    [InlineData("""{"A":1,"a":2}""")]
    public void Check_SameNameInDifferentObjectsOrCase_Accepted(string json)
    {
        StrictJson.Check(Encoding.UTF8.GetBytes(json));
    }

    [Fact]
    public void Check_NestingAtTheLimit_AcceptedOneMoreRefused()
    {
        var atLimit = new string('[', RequestLimits.MaxJsonDepth) + new string(']', RequestLimits.MaxJsonDepth);
        var pastLimit = "[" + atLimit + "]";

        StrictJson.Check(Encoding.UTF8.GetBytes(atLimit));
        var error = Assert.Throws<ApiProblemException>(() => StrictJson.Check(Encoding.UTF8.GetBytes(pastLimit)));
        Assert.Contains(nameof(RequestLimits.MaxJsonDepth), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_HundredThousandBrackets_RefusedQuickly()
    {
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<ApiProblemException>(() => StrictJson.Check(Encoding.UTF8.GetBytes("{\"params\":" + new string('[', 100_000))));

        Assert.Equal(StatusCodes.Status400BadRequest, error.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), clock.Elapsed.ToString());
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{"a":01}""")]
    [InlineData("\"unterminated")]
    public void Check_NotJson_Is400Malformed(string json)
    {
        var error = Assert.Throws<ApiProblemException>(() => StrictJson.Check(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(StatusCodes.Status400BadRequest, error.Status);
        Assert.Equal(StrictJson.MalformedTitle, error.Title);
    }

    [Fact]
    public void ParseDocument_DuplicateInAnEventPayload_Is400()
    {
        var error = Assert.Throws<ApiProblemException>(() => StrictJson.ParseDocument("""{"status":"ok","status":"failed"}"""));

        Assert.Equal("status", error.Extensions!["member"]);
    }

    [Fact]
    public async Task ReadObjectAsync_DuplicateRunId_Is400NotAnException()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"runId":"a","runId":"b"}"""));

        var error = await Assert.ThrowsAsync<ApiProblemException>(() => ApiJson.ReadObjectAsync(context.Request, ["runId"]));

        Assert.Equal(StatusCodes.Status400BadRequest, error.Status);
        Assert.Equal("runId", error.Extensions!["member"]);
    }

    [Theory]
    [InlineData("2024-01-31T00:00:00Z", "2024-01-31T00:00:00+00:00")]
    [InlineData("2024-01-31t01:00:00.5+01:00", "2024-01-31T00:00:00.5+00:00")]
    [InlineData("2024-01-31T00:00:00.1234567z", "2024-01-31T00:00:00.1234567+00:00")]
    [InlineData("2024-01-31", "2024-01-31T00:00:00+00:00")]
    [InlineData("1900-01-01T00:00:00Z", "1900-01-01T00:00:00+00:00")]
    [InlineData("9000-01-01T00:00:00Z", "9000-01-01T00:00:00+00:00")]
    public void ParseDate_Rfc3339WithinRange_IsUtc(string text, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), ApiJson.ParseDate(text, "logicalDate"));
        Assert.Equal(TimeSpan.Zero, ApiJson.ParseDate(text, "logicalDate")!.Value.Offset);
    }

    [Theory]
    // The probe's case: Cronos threw on it, a 500.
    [InlineData("9999-12-31T23:59:59.9999999Z", "EarliestDate")]
    [InlineData("9000-01-01T00:00:00.0000001Z", "LatestDate")]
    [InlineData("1899-12-31T23:59:59Z", "EarliestDate")]
    [InlineData("9999-12-31T23:59:59-01:00", "RFC 3339")]
    [InlineData("0000-01-01T00:00:00Z", "RFC 3339")]
    [InlineData("yesterday", "ISO 8601")]
    [InlineData("2024-01-31T00:00:00", "RFC 3339")]
    [InlineData("2024-01-31 00:00:00Z", "RFC 3339")]
    [InlineData("2024-01-31T00:00Z", "RFC 3339")]
    [InlineData("2024-02-30T00:00:00Z", "RFC 3339")]
    [InlineData("2024-01-31T00:00:00.12345678Z", "RFC 3339")]
    [InlineData("2024-01-31T00:00:00Z\n", "RFC 3339")]
    [InlineData("01/31/2024", "RFC 3339")]
    public void ParseDate_OtherFormatOrOutOfRange_Is400(string text, string message)
    {
        var error = Assert.Throws<ApiProblemException>(() => ApiJson.ParseDate(text, "logicalDate"));

        Assert.Equal(StatusCodes.Status400BadRequest, error.Status);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    [InlineData("null", null)]
    public void Int_WithinRange_Accepted(string json, int? expected)
    {
        var body = Body($$"""{"maxActiveRuns":{{json}}}""");

        Assert.Equal(expected, ApiJson.Int(body, "maxActiveRuns", 1, RequestLimits.MaxBackfillActiveRuns));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("101")]
    [InlineData("1e20")]
    [InlineData("9223372036854775808")]
    [InlineData("2147483648")]
    [InlineData("1.5")]
    [InlineData("\"2\"")]
    public void Int_OutOfRangeOrNotAnInteger_Is400(string json)
    {
        var body = Body($$"""{"maxActiveRuns":{{json}}}""");

        var error = Assert.Throws<ApiProblemException>(() => ApiJson.Int(body, "maxActiveRuns", 1, RequestLimits.MaxBackfillActiveRuns));

        Assert.Equal(StatusCodes.Status400BadRequest, error.Status);
        Assert.Contains("from 1 to 100", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"n":9223372036854775807}""")]
    [InlineData("""{"n":-9223372036854775808}""")]
    [InlineData("""{"n":1e3}""")]
    [InlineData("""{"x":1e20}""")]
    [InlineData("""{"x":-1.5e308}""")]
    public void TriggerParamRanges_WithinTheDeclaredType_Accepted(string json)
    {
        TriggerParamRanges.Check(Dag(), Body(json));
    }

    [Theory]
    // The probe's cases: both were accepted as integers.
    [InlineData("""{"n":1e20}""", "params.n")]
    [InlineData("""{"n":9223372036854775808}""", "params.n")]
    [InlineData("""{"n":-9223372036854775809}""", "params.n")]
    [InlineData("""{"n":1e400}""", "params.n")]
    [InlineData("""{"x":1e400}""", "params.x")]
    public void TriggerParamRanges_OutsideTheDeclaredType_Is400(string json, string path)
    {
        var error = Assert.Throws<DagRunRequestException>(() => TriggerParamRanges.Check(Dag(), Body(json)));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith(path + ":", problem, StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status400BadRequest, ProblemResponses.Map(error)!.Value.Status);
    }

    private static JsonObject Body(string json) => (JsonObject)StrictJson.ParseNode(json)!;

    private static Pipelines.Definitions.DagDefinition Dag() => DagFileLoader.Load(ParamsDag, "typed.yaml").Dag!;
}
