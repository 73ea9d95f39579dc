using System.Text.Json.Nodes;

namespace Serverless.Functions.Api;

/// <summary>
/// The OpenAPI 3.1 document served at <c>/api/openapi.json</c>. Written by hand because the API reads its bodies
/// itself (to give precise problems) and so has no typed parameters a generator could describe; a test checks every
/// mapped route appears here.
/// </summary>
public static class OpenApiDocument
{
    /// <summary>Builds the document.</summary>
    /// <param name="serverUrl">The server base address.</param>
    /// <returns>The document.</returns>
    public static JsonObject Build(string serverUrl)
    {
        var paths = new JsonObject
        {
            ["/api/health"] = new JsonObject { ["get"] = Op("Health", "Liveness; needs no key.", [], null, Ok("Healthy")) },
            ["/api/dags"] = new JsonObject { ["get"] = Op("ListDags", "Every loaded DAG file, valid or not, with its problems and warnings; a broken file whose last valid version still runs says servingPreviousVersion.", [], null, Ok("The DAGs")) },
            ["/api/dags/refresh"] = new JsonObject { ["post"] = Op("RefreshDags", "Re-reads the DAG folder or container now (the hot reload otherwise checks every Serverless__DagReloadInterval) and lists the loaded files with counts.", [], null, Ok("The loaded DAGs")) },
            ["/api/dags/validate"] = new JsonObject
            {
                ["post"] = Op("ValidateDag", "Validates a posted YAML or JSON DAG definition (?format=yaml|json, else from the content type or the first character).", [Query("format", "yaml or json"), Query("file", "the file's name or path, shown on every problem (default posted.yaml)")], TextBody(), Ok("The model"), Problem("400", "Every problem with line and column")),
            },
            ["/api/dags/{dagId}"] = new JsonObject { ["get"] = Op("GetDag", "A DAG's definition, Mermaid graph, next schedule times, recent runs and audit trail (pause, unpause, trigger, backfill; newest first).", [Path("dagId")], null, Ok("The DAG"), Problem("404", "Unknown DAG")) },
            ["/api/dags/{dagId}/runs"] = new JsonObject
            {
                ["post"] = Op("TriggerRun", "Starts a run. A repeated runId returns the existing run.", [Path("dagId")], JsonBody(TriggerSchema()), Accepted(), Problem("400", "Invalid params"), Problem("404", "Unknown DAG"), Problem("409", "The runId belongs to another DAG"), Problem("413", "Body over 1 MB")),
            },
            ["/api/dags/{dagId}/backfill"] = new JsonObject
            {
                ["post"] = Op("BackfillDag", "Starts one run per schedule point in [from, to]; repeating it creates no duplicates; reset: true purges and re-runs points that exist; params apply to every run.", [Path("dagId")], JsonBody(Schema(("from", "string"), ("to", "string"), ("maxActiveRuns", "integer"), ("params", "object"), ("reset", "boolean"))), Status("202", "The runs"), Problem("400", "Invalid range or params"), Problem("404", "Unknown DAG"), Problem("409", "reset: a run of the range is still queued or running")),
            },
            ["/api/dags/{dagId}/pause"] = new JsonObject { ["post"] = Op("PauseDag", "Pauses a DAG: the scheduler starts none of its runs; manual triggers and backfills still run.", [Path("dagId")], null, Ok("The new state"), Problem("404", "Unknown DAG")) },
            ["/api/dags/{dagId}/unpause"] = new JsonObject { ["post"] = Op("UnpauseDag", "Unpauses a DAG: the next tick starts what catchup says is due.", [Path("dagId")], null, Ok("The new state"), Problem("404", "Unknown DAG")) },
            ["/api/pools"] = new JsonObject { ["get"] = Op("ListPools", "Every pool (Serverless__Pools__NAME__Slots, and default_pool): slots (null for unlimited), occupied, queued, description, and the task attempts holding slots (run, task, map index, attempt, slots, since) and waiting for them, in the order they get them.", [], null, Ok("The pools")) },
            ["/api/notifications/dead-letters"] = new JsonObject
            {
                ["get"] = Op("ListDeadLetters", "The notifications of a DAG (or one of its runs) whose delivery used up its attempts, newest first (at most 200); targets show the setting name or the URL's scheme and host only.", [Query("dag", "DAG id (required)"), Query("run", "run id")], null, Ok("The dead letters"), Problem("400", "Missing or invalid dag or run")),
            },
            ["/api/runs"] = new JsonObject
            {
                ["get"] = Op("ListRuns", "A page of runs from the runs index, newest logical date first; every page is full except the last, and the continuation survives concurrent inserts.", [Query("dag", "DAG id"), Query("state", "queued, running, success or failed"), Query("from", "logical date at or after (ISO 8601)"), Query("to", "logical date before (ISO 8601)"), Query("pageSize", "1–1000, default 50"), Query("continuation", "token from the previous page")], null, Ok("One page"), Problem("400", "Bad filter or continuation")),
            },
            ["/api/task-instances"] = new JsonObject
            {
                ["get"] = Op("ListTaskInstances", "A page of task instances across runs, runs newest logical date first.", [Query("dag", "DAG id"), Query("task", "task id"), Query("state", "none, queued, running, success, failed, up_for_retry, upstream_failed or skipped"), Query("from", "run logical date at or after (ISO 8601)"), Query("to", "run logical date before (ISO 8601)"), Query("pageSize", "1–1000, default 50"), Query("continuation", "token from the previous page")], null, Ok("One page"), Problem("400", "Bad filter or continuation")),
            },
            ["/api/runs/{runId}"] = new JsonObject
            {
                ["get"] = Op("GetRun", "A run with its tasks: 202 with Retry-After while queued or running, 200 when finished.", [Path("runId")], null, Ok("Finished"), Status("202", "Queued or running"), Problem("404", "Unknown run")),
                ["delete"] = Op("PurgeRun", "Deletes a finished run's state; ?data=true deletes its blobs too.", [Path("runId"), Query("data", "true to delete the run's data")], null, Ok("Purged"), Problem("404", "Unknown run"), Problem("409", "The run is still running")),
            },
            ["/api/runs/{runId}/terminate"] = new JsonObject { ["post"] = Op("TerminateRun", "Terminates a running run and cancels its Spark jobs; recorded in the run's audit trail.", [Path("runId"), Query("reason", "why")], null, Status("202", "Terminating"), Problem("404", "Unknown run")) },
            ["/api/runs/{runId}/events/{name}"] = new JsonObject { ["post"] = Op("RaiseEvent", "Raises an event for the run's external-event sensors; the body is the JSON payload.", [Path("runId"), Path("name")], JsonBody(new JsonObject()), Status("202", "Raised"), Problem("404", "Unknown run")) },
            ["/api/runs/{runId}/rerun"] = new JsonObject
            {
                ["post"] = Op("RerunRun", "Clear: starts a new run that re-executes failed (or the named) tasks, with their downstream tasks (downstream, default true) and upstream tasks (upstream, default false); the rest is reused.", [Path("runId")], JsonBody(RerunSchema()), Accepted(), Problem("404", "Unknown run"), Problem("409", "The run is not finished")),
            },
            ["/api/runs/{runId}/mark"] = new JsonObject { ["post"] = Op("MarkRun", "Marks a run (running or finished), or one task of it (every map index), success or failed, as Airflow does; a running run applies it itself and cancels the marked jobs; recorded in the run's audit trail and applied in GET run, lists and reruns.", [Path("runId")], JsonBody(Schema(("state", "string"), ("task", "string"))), Ok("The marked run"), Problem("400", "Bad state or unknown task"), Problem("404", "Unknown run"), Problem("409", "The run is still queued")) },
            ["/api/runs/{runId}/manifest"] = new JsonObject { ["get"] = Op("GetRunManifest", "The run's manifest (lineage) from the data container: per task its state, attempts, job id, inputs and outputs with sizes and row counts.", [Path("runId")], null, Ok("The manifest"), Problem("404", "Unknown run, or no manifest written yet")) },
            ["/api/runs/{runId}/tasks/{taskId}/logs"] = new JsonObject { ["get"] = Op("GetTaskLog", "A task attempt's log (text/plain): rendered spec with secrets masked, backend and job id, state changes, the engine's messages, the failure. Tail it with Range: bytes=N- (206) or ?offset=N; X-Log-Length is where the next read starts, X-Task-State the instance's state.", [Path("runId"), Path("taskId"), Query("attempt", "1-1000, default the latest"), Query("mapIndex", "the instance of a mapped task"), Query("offset", "first byte to return")], null, Ok("The log text"), Status("206", "Part of the log (Range)"), Problem("400", "Invalid id, number or range"), Problem("404", "Unknown run, task, map index or attempt, or no log written"), Status("416", "Range starts past the end of the log")) },
            ["/api/openapi.json"] = new JsonObject { ["get"] = Op("OpenApi", "This document.", [], null, Ok("The document")) },
        };

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Serverless pipelines API",
                ["version"] = "1.0",
                ["description"] = "DAG runs on Azure Functions. Every route except /api/health needs a key in the x-functions-key header or the code query parameter. Errors are RFC 9457 application/problem+json.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = serverUrl }),
            ["security"] = new JsonArray(new JsonObject { ["functionKeyHeader"] = new JsonArray() }, new JsonObject { ["functionKeyQuery"] = new JsonArray() }),
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["functionKeyHeader"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = ApiKeyCheck.HeaderName },
                    ["functionKeyQuery"] = new JsonObject { ["type"] = "apiKey", ["in"] = "query", ["name"] = ApiKeyCheck.QueryName },
                },
                ["schemas"] = new JsonObject
                {
                    ["Problem"] = Schema(("type", "string"), ("title", "string"), ("status", "integer"), ("detail", "string"), ("instance", "string")),
                    ["RunAccepted"] = Schema(("id", "string"), ("statusQueryGetUri", "string"), ("terminatePostUri", "string"), ("sendEventPostUri", "string"), ("rerunPostUri", "string"), ("purgeHistoryDeleteUri", "string"), ("created", "boolean")),
                },
            },
            ["paths"] = paths,
        };
    }

    private static JsonObject TriggerSchema()
    {
        var schema = Schema(("logicalDate", "string"), ("runId", "string"));
        schema["properties"]!["params"] = new JsonObject { ["type"] = "object" };
        schema["additionalProperties"] = false;
        return schema;
    }

    private static JsonObject RerunSchema()
    {
        var schema = Schema(("onlyFailed", "boolean"), ("downstream", "boolean"), ("upstream", "boolean"));
        schema["properties"]!["tasks"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } };
        schema["properties"]!["definition"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("current", "original") };
        schema["additionalProperties"] = false;
        return schema;
    }

    private static JsonObject Op(string id, string summary, JsonNode[] parameters, JsonObject? body, params (string Code, JsonObject Response)[] responses)
    {
        var op = new JsonObject { ["operationId"] = id, ["summary"] = summary };
        if (parameters.Length > 0)
        {
            op["parameters"] = new JsonArray(parameters);
        }

        if (body is not null)
        {
            op["requestBody"] = body;
        }

        var map = new JsonObject();
        foreach (var (code, response) in responses)
        {
            map[code] = response;
        }

        if (!string.Equals(id, "Health", StringComparison.Ordinal))
        {
            map["401"] = Problem("401", "Missing or wrong key").Response;
        }

        op["responses"] = map;
        if (string.Equals(id, "Health", StringComparison.Ordinal))
        {
            op["security"] = new JsonArray();
        }

        return op;
    }

    private static JsonObject Path(string name) => new() { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } };

    private static JsonObject Query(string name, string description) => new() { ["name"] = name, ["in"] = "query", ["description"] = description, ["schema"] = new JsonObject { ["type"] = "string" } };

    private static JsonObject JsonBody(JsonObject schema) => new() { ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } } };

    private static JsonObject TextBody() => new()
    {
        ["required"] = true,
        ["content"] = new JsonObject
        {
            ["application/yaml"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } },
            ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
        },
    };

    private static JsonObject Schema(params (string Name, string Type)[] properties)
    {
        var props = new JsonObject();
        foreach (var (name, type) in properties)
        {
            props[name] = new JsonObject { ["type"] = type };
        }

        return new JsonObject { ["type"] = "object", ["properties"] = props };
    }

    private static (string, JsonObject) Ok(string description) => Status("200", description);

    private static (string, JsonObject) Status(string code, string description) => (code, new JsonObject { ["description"] = description });

    private static (string, JsonObject) Accepted() => ("202", new JsonObject
    {
        ["description"] = "Accepted: poll the Location header (statusQueryGetUri) after Retry-After seconds.",
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/RunAccepted" } } },
    });

    private static (string Code, JsonObject Response) Problem(string code, string description) => (code, new JsonObject
    {
        ["description"] = description,
        ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Problem" } } },
    });
}
