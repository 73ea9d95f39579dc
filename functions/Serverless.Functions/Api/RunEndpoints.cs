using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;

namespace Serverless.Functions.Api;

/// <summary>The run routes: trigger, status, list, terminate, events, rerun, purge.</summary>
public static class RunEndpoints
{
    private static readonly string[] TriggerMembers = ["params", "logicalDate", "runId"];
    private static readonly string[] RerunMembers = ["tasks", "onlyFailed", "definition", "downstream", "upstream"];
    private static readonly string[] MarkMembers = ["state", "task"];

    internal static async Task<IResult> TriggerAsync(HttpContext context, IDagRunService runs, string dagId)
    {
        RouteValues.DagId(dagId);
        var body = await ApiJson.ReadObjectAsync(context.Request, TriggerMembers, context.RequestAborted).ConfigureAwait(false);
        var parameters = body["params"] switch
        {
            null => null,
            JsonObject o => (JsonObject)o.DeepClone(),
            var other => throw new ApiProblemException($"'params' must be an object of parameter values, not {ApiJson.Kind(other)}."),
        };
        TriggerParamRanges.Check(runs.FindDag(dagId), parameters);
        var runId = ApiJson.String(body, "runId");
        if (runId is not null)
        {
            RouteValues.RunId(runId);
        }

        var trigger = new DagRunTrigger(parameters, ApiJson.Date(body, "logicalDate"), runId, ApiGate.Caller(context));
        var started = await runs.TriggerAsync(dagId, trigger, context.RequestAborted).ConfigureAwait(false);
        return RunLinks.Accepted(context, started.RunId, started.Created);
    }

    internal static async Task<IResult> GetAsync(HttpContext context, IDagRunService runs, string runId)
    {
        RouteValues.RunId(runId);
        var run = await runs.GetRunAsync(runId, context.RequestAborted).ConfigureAwait(false)
            ?? throw new DagRunNotFoundException($"Run '{runId}' does not exist (or was purged). List runs with GET /api/runs.");
        if (run.State is DagRunState.Queued or DagRunState.Running)
        {
            context.Response.Headers.RetryAfter = RunLinks.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.Location = RunLinks.For(context.Request, runId).StatusQueryGetUri;
            return Results.Json(run, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
        }

        return Results.Json(run, ApiJson.Options);
    }

    internal static async Task<IResult> ListAsync(HttpContext context, IDagRunService runs)
    {
        var query = context.Request.Query;
        var dag = query["dag"].FirstOrDefault();
        if (!string.IsNullOrEmpty(dag))
        {
            RouteValues.DagId(dag);
        }

        DagRunState? state = null;
        var stateText = query["state"].FirstOrDefault();
        if (!string.IsNullOrEmpty(stateText))
        {
            state = Enum.TryParse<DagRunState>(stateText, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new ApiProblemException($"'state' must be one of {string.Join(", ", Enum.GetNames<DagRunState>().Select(n => n.ToLowerInvariant()))}, not '{stateText}'.");
        }

        var pageSize = PageSize(query);

        var filter = new DagRunQuery(
            string.IsNullOrEmpty(dag) ? null : dag,
            state,
            ApiJson.ParseDate(NullIfEmpty(query["from"].FirstOrDefault()), "from"),
            ApiJson.ParseDate(NullIfEmpty(query["to"].FirstOrDefault()), "to"),
            NullIfEmpty(query["continuation"].FirstOrDefault()),
            pageSize);
        var page = await runs.ListRunsAsync(filter, context.RequestAborted).ConfigureAwait(false);
        var next = NextLink(context, "api/runs", page.Continuation);
        return Results.Json(new { runs = page.Runs, continuation = page.Continuation, nextLink = next }, ApiJson.Options);
    }

    internal static async Task<IResult> ListTaskInstancesAsync(HttpContext context, IDagRunService runs)
    {
        var query = context.Request.Query;
        var dag = NullIfEmpty(query["dag"].FirstOrDefault());
        if (dag is not null)
        {
            RouteValues.DagId(dag);
        }

        var task = NullIfEmpty(query["task"].FirstOrDefault());
        if (task is not null && !Pipelines.Definitions.DagIdentifiers.IsValidTaskId(task))
        {
            throw new ApiProblemException($"'task' is not a task id: '{task}'.");
        }

        TaskInstanceState? state = null;
        var stateText = NullIfEmpty(query["state"].FirstOrDefault());
        if (stateText is not null)
        {
            var names = Enum.GetValues<TaskInstanceState>().ToDictionary(StateName, s => s, StringComparer.Ordinal);
            state = names.TryGetValue(stateText, out var parsed)
                ? parsed
                : throw new ApiProblemException($"'state' must be one of {string.Join(", ", Enum.GetValues<TaskInstanceState>().Select(StateName))}, not '{stateText}'.");
        }

        var pageSize = PageSize(query);
        var filter = new Pipelines.Runs.Index.TaskInstanceQuery(
            dag,
            task,
            state,
            ApiJson.ParseDate(NullIfEmpty(query["from"].FirstOrDefault()), "from"),
            ApiJson.ParseDate(NullIfEmpty(query["to"].FirstOrDefault()), "to"),
            NullIfEmpty(query["continuation"].FirstOrDefault()),
            pageSize);
        var page = await runs.ListTaskInstancesAsync(filter, context.RequestAborted).ConfigureAwait(false);
        var items = page.Items.Select(i => new
        {
            runId = i.RunId,
            dagId = i.DagId,
            logicalDate = i.LogicalDate,
            runState = i.RunState,
            taskId = i.Task.Id,
            mapIndex = i.Task.MapIndex,
            state = i.Task.State,
            attempts = i.Task.Attempts,
            startedAt = i.Task.StartedAt,
            endedAt = i.Task.EndedAt,
            reused = i.Task.Reused,
        });
        return Results.Json(new { taskInstances = items, continuation = page.Continuation, nextLink = NextLink(context, "api/task-instances", page.Continuation) }, ApiJson.Options);
    }

    internal static async Task<IResult> TerminateAsync(HttpContext context, IDagRunService runs, string runId)
    {
        RouteValues.RunId(runId);
        var reason = NullIfEmpty(context.Request.Query["reason"].FirstOrDefault());
        if (reason is { Length: > 1000 })
        {
            throw new ApiProblemException("'reason' is longer than 1000 characters.");
        }

        await runs.TerminateAsync(runId, reason, ApiGate.Caller(context), context.RequestAborted).ConfigureAwait(false);
        return Results.Accepted(RunLinks.For(context.Request, runId).StatusQueryGetUri);
    }

    internal static async Task<IResult> RaiseEventAsync(HttpContext context, IDagRunService runs, string runId, string name)
    {
        RouteValues.RunId(runId);
        if (!Pipelines.Definitions.DagIdentifiers.IsValidName(name))
        {
            throw new ApiProblemException($"'{name}' is not a valid event name: use letters, digits and underscores, starting with a letter.");
        }

        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        JsonElement? payload = null;
        if (!string.IsNullOrWhiteSpace(text))
        {
            try
            {
                using var document = StrictJson.ParseDocument(text);
                payload = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "Malformed JSON", $"The event payload must be JSON: {e.Message}");
            }
        }

        await runs.RaiseEventAsync(runId, name, payload, context.RequestAborted).ConfigureAwait(false);
        return Results.Accepted(RunLinks.For(context.Request, runId).StatusQueryGetUri);
    }

    internal static async Task<IResult> RerunAsync(HttpContext context, IDagRunService runs, string runId)
    {
        RouteValues.RunId(runId);
        var body = await ApiJson.ReadObjectAsync(context.Request, RerunMembers, context.RequestAborted).ConfigureAwait(false);
        List<string>? tasks = null;
        if (body["tasks"] is { } tasksNode)
        {
            if (tasksNode is not JsonArray array || array.Any(t => t?.GetValueKind() != JsonValueKind.String))
            {
                throw new ApiProblemException("'tasks' must be an array of task ids (strings).");
            }

            tasks = array.Select(t => t!.GetValue<string>()).ToList();
        }

        var useOriginal = ApiJson.String(body, "definition") switch
        {
            null or "current" => false,
            "original" => true,
            var other => throw new ApiProblemException($"'definition' must be \"current\" (the DAG file as it is now, the default) or \"original\" (the definition run '{runId}' pinned), not \"{other}\"."),
        };
        var request = new DagRerunRequest(tasks, ApiJson.Bool(body, "onlyFailed") ?? true, useOriginal, ApiJson.Bool(body, "downstream") ?? true, ApiJson.Bool(body, "upstream") ?? false, ApiGate.Caller(context));
        var started = await runs.RerunAsync(runId, request, context.RequestAborted).ConfigureAwait(false);
        return RunLinks.Accepted(context, started.RunId, started.Created);
    }

    internal static async Task<IResult> MarkAsync(HttpContext context, IDagRunService runs, string runId)
    {
        RouteValues.RunId(runId);
        var body = await ApiJson.ReadObjectAsync(context.Request, MarkMembers, context.RequestAborted).ConfigureAwait(false);
        var state = ApiJson.String(body, "state") switch
        {
            "success" => DagRunState.Success,
            "failed" => DagRunState.Failed,
            null => throw new ApiProblemException("'state' is required: \"success\" or \"failed\"."),
            var other => throw new ApiProblemException($"'state' must be \"success\" or \"failed\", not \"{other}\"."),
        };
        var task = ApiJson.String(body, "task");
        if (task is not null && !Pipelines.Definitions.DagIdentifiers.IsValidTaskId(task))
        {
            throw new ApiProblemException($"'task' is not a task id: '{task}'.");
        }

        var run = await runs.MarkAsync(runId, new DagRunMarkRequest(state, task, ApiGate.Caller(context)), context.RequestAborted).ConfigureAwait(false);
        return Results.Json(run, ApiJson.Options);
    }

    internal static async Task<IResult> PurgeAsync(HttpContext context, IDagRunService runs, string runId)
    {
        RouteValues.RunId(runId);
        var dataText = context.Request.Query["data"].FirstOrDefault();
        var deleteData = false;
        if (!string.IsNullOrEmpty(dataText) && !bool.TryParse(dataText, out deleteData))
        {
            throw new ApiProblemException($"'data' must be true or false, not '{dataText}'.");
        }

        var purged = await runs.PurgeAsync(runId, deleteData, context.RequestAborted).ConfigureAwait(false);
        return purged
            ? Results.Json(new { runId, purged = true, dataDeleted = deleteData }, ApiJson.Options)
            : throw new DagRunNotFoundException($"Run '{runId}' does not exist (or was already purged).");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string StateName(TaskInstanceState state) => JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());

    private static int PageSize(IQueryCollection query)
    {
        var pageSize = 50;
        var pageSizeText = query["pageSize"].FirstOrDefault();
        if (!string.IsNullOrEmpty(pageSizeText) && (!int.TryParse(pageSizeText, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 1000))
        {
            throw new ApiProblemException($"'pageSize' must be an integer from 1 to 1000, not '{pageSizeText}'.");
        }

        return pageSize;
    }

    /// <summary>The same query with the next page's continuation: what a client follows without rebuilding filters.</summary>
    private static string? NextLink(HttpContext context, string path, string? continuation)
    {
        if (continuation is null)
        {
            return null;
        }

        var query = context.Request.Query
            .Where(p => !string.Equals(p.Key, "continuation", StringComparison.Ordinal) && !string.Equals(p.Key, ApiKeyCheck.QueryName, StringComparison.Ordinal))
            .Select(p => new KeyValuePair<string, string?>(p.Key, p.Value.FirstOrDefault()))
            .Append(new KeyValuePair<string, string?>("continuation", continuation));
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString($"{RunLinks.BaseAddress(context.Request)}/{path}", query);
    }
}
