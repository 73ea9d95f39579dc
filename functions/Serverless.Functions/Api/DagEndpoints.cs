using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Scheduling;
using Serverless.Pipelines.Service;
using Serverless.Pipelines.Validation;
using Serverless.Spark.Hosting;

namespace Serverless.Functions.Api;

/// <summary>The DAG routes: list, refresh, show, validate, backfill, pause.</summary>
public static partial class DagEndpoints
{
    /// <summary>The longest file name the validate route accepts to name a posted file (<c>?file=</c>).</summary>
    public const int MaxFileNameLength = 260;

    private static readonly string[] BackfillMembers = ["from", "to", "maxActiveRuns", "params", "reset"];

    /// <summary>Gets the next schedule times of a DAG after a time.</summary>
    /// <param name="dag">The DAG.</param>
    /// <param name="after">The time.</param>
    /// <param name="count">How many.</param>
    /// <returns>The times; empty for manual DAGs.</returns>
    public static IReadOnlyList<DateTimeOffset> NextScheduleTimes(DagDefinition dag, DateTimeOffset after, int count)
    {
        ArgumentNullException.ThrowIfNull(dag);
        var schedule = DagSchedule.For(dag);
        var times = new List<DateTimeOffset>();
        var time = after;
        while (times.Count < count && schedule.NextAfter(time) is { } next && (schedule.EndDate is null || next <= schedule.EndDate))
        {
            times.Add(next);
            time = next;
        }

        return times;
    }

    internal static async Task<IResult> ListAsync(HttpContext context, IDagRunService runs) =>
        Results.Json(new { dags = await SummariesAsync(runs, context.RequestAborted).ConfigureAwait(false) }, ApiJson.Options);

    internal static async Task<IResult> RefreshAsync(HttpContext context, IDagRunService runs)
    {
        await runs.RefreshDagsAsync(context.RequestAborted).ConfigureAwait(false);
        var dags = await SummariesAsync(runs, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(
            new
            {
                refreshed = true,
                files = dags.Count,
                valid = dags.Count(d => d.Valid),
                withProblems = dags.Count(d => !d.Valid),
                servingPreviousVersion = dags.Count(d => d.ServingPreviousVersion),
                dags,
            },
            ApiJson.Options);
    }

    internal static async Task<IResult> ShowAsync(HttpContext context, IDagRunService runs, TimeProvider time, string dagId)
    {
        RouteValues.DagId(dagId);
        var dag = runs.FindDag(dagId) ?? throw NotFound(runs, dagId);
        var recent = await runs.ListRunsAsync(new DagRunQuery(DagId: dagId, PageSize: 10), context.RequestAborted).ConfigureAwait(false);
        return Results.Json(
            new
            {
                id = dag.Id,
                description = dag.Description,
                schedule = dag.Schedule,
                catchup = dag.Catchup,
                maxActiveRuns = dag.MaxActiveRuns,
                paused = await runs.IsPausedAsync(dag.Id, context.RequestAborted).ConfigureAwait(false),
                nextScheduleTimes = NextScheduleTimes(dag, time.GetUtcNow(), 5),
                mermaid = DagMermaid.Render(dag),
                definition = JsonNode.Parse(DagJsonExporter.Export(dag)),
                recentRuns = recent.Runs,
                audit = await runs.GetDagAuditAsync(dag.Id, context.RequestAborted).ConfigureAwait(false),
            },
            ApiJson.Options);
    }

    internal static async Task<IResult> ValidateAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var content = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(content))
        {
            throw new ApiProblemException("The body is empty: post the YAML or JSON text of a DAG file.");
        }

        var fileName = FileNameFor(context.Request, content);
        var pools = context.RequestServices.GetService<IOptions<PipelineOptions>>()?.Value.Pools ?? [];
        var result = DagPoolCheck.Apply(DagFileLoader.Load(content, fileName), pools);
        var warnings = result.Dag is null ? [] : DagBackendCheck.Warnings(result.Dag, fileName, SparkSettings(context));
        if (!result.IsValid)
        {
            throw new ApiProblemException(
                StatusCodes.Status400BadRequest,
                "Invalid DAG",
                $"The DAG has {result.Problems.Count} problem(s); each names its line, column and path.",
                new Dictionary<string, object?> { ["problems"] = result.Problems.Select(ProblemJson).ToList(), ["warnings"] = warnings.Select(ProblemJson).ToList() });
        }

        return Results.Json(new { valid = true, id = result.Dag!.Id, file = fileName, warnings = warnings.Select(ProblemJson).ToList(), dag = JsonNode.Parse(DagJsonExporter.Export(result.Dag)), mermaid = DagMermaid.Render(result.Dag) }, ApiJson.Options);
    }

    internal static async Task<IResult> BackfillAsync(HttpContext context, IDagRunService runs, string dagId)
    {
        RouteValues.DagId(dagId);
        var body = await ApiJson.ReadObjectAsync(context.Request, BackfillMembers, context.RequestAborted).ConfigureAwait(false);
        var from = ApiJson.Date(body, "from") ?? throw new ApiProblemException("'from' is required: the first logical date (ISO 8601).");
        var to = ApiJson.Date(body, "to") ?? throw new ApiProblemException("'to' is required: the last logical date (ISO 8601).");
        if (to < from)
        {
            throw new ApiProblemException($"'to' ({to:O}) is before 'from' ({from:O}).");
        }

        var maxActiveRuns = ApiJson.Int(body, "maxActiveRuns", 1, RequestLimits.MaxBackfillActiveRuns);

        var parameters = body["params"] switch
        {
            null => null,
            JsonObject o => (JsonObject)o.DeepClone(),
            var other => throw new ApiProblemException($"'params' must be an object of parameter values, not {ApiJson.Kind(other)}."),
        };
        TriggerParamRanges.Check(runs.FindDag(dagId), parameters);
        var options = new DagBackfillOptions(parameters, ApiJson.Bool(body, "reset") ?? false, ApiGate.Caller(context));
        var started = await runs.BackfillAsync(dagId, from, to, maxActiveRuns, options, context.RequestAborted).ConfigureAwait(false);
        var result = started.Select(s => new { id = s.RunId, created = s.Created, statusQueryGetUri = RunLinks.For(context.Request, s.RunId).StatusQueryGetUri }).ToList();
        return Results.Json(new { dagId, runs = result }, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    internal static async Task<IResult> ListDeadLettersAsync(HttpContext context, IDagRunService runs)
    {
        var query = context.Request.Query;
        var dagId = query["dag"].FirstOrDefault() is { Length: > 0 } dag ? dag : throw new ApiProblemException("'dag' is required: dead letters are listed per DAG (add '&run=' for one run).");
        RouteValues.DagId(dagId);
        var runId = query["run"].FirstOrDefault() is { Length: > 0 } run ? run : null;
        if (runId is not null)
        {
            RouteValues.RunId(runId);
        }

        var letters = await runs.ListDeadLettersAsync(dagId, runId, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new { dagId, runId, deadLetters = letters }, ApiJson.Options);
    }

    internal static async Task<IResult> SetPausedAsync(HttpContext context, IDagRunService runs, string dagId, bool paused)
    {
        RouteValues.DagId(dagId);
        await runs.SetPausedAsync(dagId, paused, ApiGate.Caller(context), context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new { dagId, paused }, ApiJson.Options);
    }

    private static DagNotFoundException NotFound(IDagRunService runs, string dagId)
    {
        var known = runs.ListDags().Where(r => r.Dag is not null).Select(r => r.Dag!.Id).Order(StringComparer.Ordinal).ToList();
        var invalid = runs.ListDags().FirstOrDefault(r => r.Dag?.Id == dagId && !r.IsValid);
        return invalid is not null
            ? new DagNotFoundException($"DAG '{dagId}' ({invalid.FileName}) has problems and cannot run: {string.Join("; ", invalid.Problems.Take(5))}")
            : new DagNotFoundException($"DAG '{dagId}' is not deployed. Known DAGs: {(known.Count == 0 ? "none" : string.Join(", ", known))}.");
    }

    // The posted file is named by ?file= (the CLI sends the user's path) so every problem names it; it is only shown,
    // never opened, and is checked to be a plain path of a DAG file. Without it: posted.yaml or posted.json.
    private static string FileNameFor(HttpRequest request, string content)
    {
        var format = request.Query["format"].FirstOrDefault()?.ToLowerInvariant();
        var given = request.Query["file"].FirstOrDefault();
        if (given is not null)
        {
            if (given.Length is 0 or > MaxFileNameLength || !DisplayName().IsMatch(given) || !DagFileLoader.IsDagFile(given))
            {
                throw new ApiProblemException(
                    $"'file' must be the name or path of a DAG file: at most {MaxFileNameLength} printable characters, none of < > \" ' ` {{ }} | * ? $, ending in .yaml, .yml or .json.");
            }

            var givenJson = given.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
            if (format is "json" or "yaml" or "yml" && string.Equals(format, "json", StringComparison.Ordinal) != givenJson)
            {
                throw new ApiProblemException($"'file' ({given}) and 'format' ({format}) disagree.");
            }

            return given;
        }

        var contentType = request.ContentType ?? string.Empty;
        var json = format switch
        {
            "json" => true,
            "yaml" or "yml" => false,
            null or "" => contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
                || (!contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase) && content.TrimStart().StartsWith('{')),
            _ => throw new ApiProblemException($"'format' must be yaml or json, not '{format}'."),
        };
        return json ? "posted.json" : "posted.yaml";
    }

    private static SparkOptions SparkSettings(HttpContext context) =>
        context.RequestServices.GetService<IOptions<SparkOptions>>()?.Value ?? new SparkOptions();

    private static async Task<List<DagSummary>> SummariesAsync(IDagRunService runs, CancellationToken cancellationToken)
    {
        var summaries = new List<DagSummary>();
        foreach (var r in runs.ListDags())
        {
            bool? paused = r.ActiveDag is { } active ? await runs.IsPausedAsync(active.Id, cancellationToken).ConfigureAwait(false) : null;
            summaries.Add(new DagSummary(
                r.Dag?.Id ?? r.PreviousVersion?.Id,
                r.FileName,
                r.IsValid,
                r.ActiveDag is not null,
                paused,
                r.PreviousVersion is not null,
                r.Dag?.Description,
                r.Dag?.Schedule,
                r.Dag?.Tags ?? [],
                r.Dag?.Tasks.Count ?? 0,
                r.Problems.Select(ProblemJson).ToList(),
                r.Warnings.Select(ProblemJson).ToList()));
        }

        return summaries;
    }

    // Any printable text but control and format characters and what could read as markup or a shell or path pattern.
    [GeneratedRegex(@"^[^\p{C}<>""'`{}|*?$]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DisplayName();

    private static object ProblemJson(DagProblem p) => new { file = p.File, line = p.Line, column = p.Column, path = p.Path, message = p.Message };
}
