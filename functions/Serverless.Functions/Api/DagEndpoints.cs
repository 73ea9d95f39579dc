using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Scheduling;
using Serverless.Pipelines.Service;
using Serverless.Pipelines.Validation;

namespace Serverless.Functions.Api;

/// <summary>The DAG routes: list, show, validate, backfill, pause.</summary>
public static class DagEndpoints
{
    private static readonly string[] BackfillMembers = ["from", "to", "maxActiveRuns"];

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

    internal static async Task<IResult> ListAsync(HttpContext context, IDagRunService runs)
    {
        var results = runs.ListDags();
        var paused = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var dag in results.Where(r => r.IsValid).Select(r => r.Dag!))
        {
            paused[dag.Id] = await runs.IsPausedAsync(dag.Id, context.RequestAborted).ConfigureAwait(false);
        }

        var dags = results.Select(r => new
        {
            id = r.Dag?.Id,
            file = r.FileName,
            valid = r.IsValid,
            paused = r.IsValid ? paused.GetValueOrDefault(r.Dag!.Id) : (bool?)null,
            description = r.Dag?.Description,
            schedule = r.Dag?.Schedule,
            tags = r.Dag?.Tags ?? [],
            tasks = r.Dag?.Tasks.Count ?? 0,
            problems = r.Problems.Select(ProblemJson).ToList(),
        });
        return Results.Json(new { dags }, ApiJson.Options);
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
        var result = DagFileLoader.Load(content, fileName);
        if (!result.IsValid)
        {
            throw new ApiProblemException(
                StatusCodes.Status400BadRequest,
                "Invalid DAG",
                $"The DAG has {result.Problems.Count} problem(s); each names its line, column and path.",
                new Dictionary<string, object?> { ["problems"] = result.Problems.Select(ProblemJson).ToList() });
        }

        return Results.Json(new { valid = true, id = result.Dag!.Id, dag = JsonNode.Parse(DagJsonExporter.Export(result.Dag)), mermaid = DagMermaid.Render(result.Dag) }, ApiJson.Options);
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

        var started = await runs.BackfillAsync(dagId, from, to, maxActiveRuns, context.RequestAborted).ConfigureAwait(false);
        var result = started.Select(s => new { id = s.RunId, created = s.Created, statusQueryGetUri = RunLinks.For(context.Request, s.RunId).StatusQueryGetUri }).ToList();
        return Results.Json(new { dagId, runs = result }, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
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

    private static string FileNameFor(HttpRequest request, string content)
    {
        var format = request.Query["format"].FirstOrDefault()?.ToLowerInvariant();
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

    private static object ProblemJson(DagProblem p) => new { file = p.File, line = p.Line, column = p.Column, path = p.Path, message = p.Message };
}
