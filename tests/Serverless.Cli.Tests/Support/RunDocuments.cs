namespace Serverless.Cli.Tests.Support;

/// <summary>Bodies of <c>GET /api/runs/{runId}</c> as the host writes them (camelCase, snake_case states).</summary>
public static class RunDocuments
{
    /// <summary>Gets a run document.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="state">The run state: queued, running, success, failed.</param>
    /// <param name="taskState">The one task's state.</param>
    /// <param name="error">The run's error, or null.</param>
    /// <returns>The JSON text.</returns>
    public static string Run(string runId, string state, string taskState, string? error = null) => $$"""
        {
          "runId": "{{runId}}",
          "dagId": "departure-delays",
          "state": "{{state}}",
          "createdAt": "2026-12-01T09:00:00+00:00",
          "tasks": [
            {
              "id": "phl-dfw-delayed",
              "state": "{{taskState}}",
              "attempts": 1,
              "startedAt": "2026-12-01T09:00:01+00:00",
              {{(taskState is "running" ? string.Empty : "\"endedAt\": \"2026-12-01T09:00:03.5+00:00\",")}}
              "outputs": { "delayed": "data/runs/{{runId}}/phl-dfw-delayed/delayed" }
            }
          ]{{(error is null ? string.Empty : $",\n  \"error\": \"{error}\"")}}
        }
        """;

    /// <summary>Gets the 202 body of a started run.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="created">Whether the request created it.</param>
    /// <returns>The JSON text.</returns>
    public static string Accepted(string runId, bool created = true) =>
        $$"""{"id":"{{runId}}","created":{{(created ? "true" : "false")}},"statusQueryGetUri":"http://127.0.0.1/api/runs/{{runId}}"}""";
}
