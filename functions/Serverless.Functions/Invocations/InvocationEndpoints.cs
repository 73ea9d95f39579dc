using System.Globalization;
using Microsoft.Extensions.Options;
using Serverless.Durable.Worker;
using Serverless.Functions.Hosting;
using Serverless.Pipelines.Service;

namespace Serverless.Functions.Invocations;

/// <summary>
/// The custom handler's non-HTTP functions: the Functions host POSTs <c>/{FunctionName}</c> for every timer tick and
/// queue message. A 2xx reply completes the invocation (the host deletes the queue message); any other status fails
/// it, so the host retries and finally moves the message to its poison queue.
/// </summary>
public static class InvocationEndpoints
{
    /// <summary>The binding name of the queue triggers' message in function.json.</summary>
    public const string QueueBindingName = "message";

    /// <summary>Maps the invocation routes.</summary>
    /// <param name="app">The app.</param>
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/" + FunctionNames.ControlQueue, (HttpContext context, DurableTaskWorker worker) =>
            InvokeAsync(context, (request, ct) => Logged(worker.ProcessControlMessageAsync(request.QueueMessageText(QueueBindingName), request.DequeueCount(), ct), "control message handled")));
        app.MapPost("/" + FunctionNames.WorkItemQueue, (HttpContext context, DurableTaskWorker worker) =>
            InvokeAsync(context, (request, ct) => Logged(worker.ProcessWorkItemMessageAsync(request.QueueMessageText(QueueBindingName), request.DequeueCount(), ct), "work item handled")));
        app.MapPost("/" + FunctionNames.Scheduler, (HttpContext context, IDagRunService runs, TimeProvider time) =>
            InvokeAsync(context, async (_, ct) =>
            {
                var started = await runs.StartDueRunsAsync(time.GetUtcNow(), ct).ConfigureAwait(false);
                return [started.Count == 0 ? "no runs due" : $"started {started.Count} run(s): {string.Join(", ", started)}"];
            }));
        app.MapPost("/" + FunctionNames.Maintenance, (HttpContext context, IDagRunService runs, TimeProvider time, IOptions<ServerlessOptions> options) =>
            InvokeAsync(context, async (_, ct) =>
            {
                var cutoff = time.GetUtcNow().AddDays(-options.Value.RetentionDays);
                var purged = await runs.PurgeFinishedRunsAsync(cutoff, ct).ConfigureAwait(false);
                return [string.Create(CultureInfo.InvariantCulture, $"purged {purged} run(s) finished before {cutoff:O}")];
            }));
    }

    private static async Task<IReadOnlyList<string>> Logged(Task work, string line)
    {
        await work.ConfigureAwait(false);
        return [line];
    }

    private static async Task<IResult> InvokeAsync(HttpContext context, Func<InvocationRequest, CancellationToken, Task<IReadOnlyList<string>>> handle)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Serverless.Functions.Invocations");
        var function = context.Request.Path.Value!.TrimStart('/');
        InvocationRequest request;
        try
        {
            using var reader = new StreamReader(context.Request.Body);
            request = InvocationRequest.Parse(await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false));
        }
        catch (InvalidDataException e)
        {
            logger.InvocationRejected(function, e.Message);
            return Results.Json(new InvocationReply([e.Message]), statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            var logs = await handle(request, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(new InvocationReply(logs));
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Non-2xx tells the host the invocation failed: it makes the message visible again (retry) and moves it
            // to its poison queue after maxDequeueCount deliveries.
            logger.InvocationFailed(function, e);
            return Results.Json(new InvocationReply([$"{function} failed: {e.GetType().Name}: {e.Message}"]), statusCode: StatusCodes.Status500InternalServerError);
        }
    }
}
