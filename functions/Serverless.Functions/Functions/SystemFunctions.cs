using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Serverless.Functions.Api;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Functions;

/// <summary>Health, the OpenAPI document, the API's own 404, and the dashboard's static files.</summary>
public sealed class SystemFunctions
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private readonly ApiGate gate;
    private readonly StorageHealth health;
    private readonly ServerlessOptions options;

    /// <summary>Initializes a new instance of the <see cref="SystemFunctions"/> class.</summary>
    /// <param name="gate">The API gate.</param>
    /// <param name="health">The storage health probe.</param>
    /// <param name="options">The app settings.</param>
    public SystemFunctions(ApiGate gate, StorageHealth health, IOptions<ServerlessOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.gate = gate;
        this.health = health;
        this.options = options.Value;
    }

    /// <summary>Health without a key: storage reachable (task hub queues and tables) or degraded with the reason.</summary>
    /// <param name="request">The request.</param>
    /// <returns>200 healthy, 503 degraded.</returns>
    [Function(FunctionNames.Health)]
    public Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request) =>
        this.gate.RunAsync(
            request,
            async () =>
            {
                var problem = await this.health.CheckAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
                var body = new { status = problem is null ? "healthy" : "degraded", reason = problem, taskHub = this.options.TaskHub };
                return Results.Json(body, ApiJson.Options, statusCode: problem is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            },
            requireKey: false);

    /// <summary>The OpenAPI 3.1 document of the API.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The document.</returns>
    [Function(FunctionNames.OpenApi)]
    public Task<IResult> OpenApi(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/openapi.json")] HttpRequest request) =>
        this.gate.RunAsync(request, () => Task.FromResult(Results.Json(OpenApiDocument.Build(RunLinks.BaseAddress(request)))));

    /// <summary>Every other path under api/: a problem+json 404 (the host's own 404 has no body).</summary>
    /// <param name="request">The request.</param>
    /// <param name="path">The rest of the path.</param>
    /// <returns>404 (401 without a key, so unknown routes reveal nothing).</returns>
    [Function(FunctionNames.ApiNotFound)]
    public Task<IResult> ApiNotFound(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", Route = "api/{*path}")] HttpRequest request,
        string path) =>
        this.gate.RunAsync(request, () => Task.FromResult(ApiGate.Problem(
            request,
            StatusCodes.Status404NotFound,
            "Not found",
            $"There is no route {request.Method} /api/{path}. The routes are listed in /api/openapi.json.")));

    /// <summary>The dashboard: files under wwwroot, <c>index.html</c> for the root.</summary>
    /// <param name="request">The request.</param>
    /// <param name="path">The file path.</param>
    /// <returns>The file, or 404.</returns>
    [Function(FunctionNames.Dashboard)]
    public Task<IResult> Dashboard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{*path}")] HttpRequest request,
        string? path) =>
        this.gate.RunAsync(
            request,
            () =>
            {
                var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
                var relative = string.IsNullOrEmpty(path) ? "index.html" : path;
                var full = Path.GetFullPath(Path.Combine(root, relative));

                // Only files inside wwwroot: "..", absolute paths and links out of it are not served.
                if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
                {
                    return Task.FromResult(ApiGate.Problem(request, StatusCodes.Status404NotFound, "Not found", $"There is no file /{relative}."));
                }

                var type = ContentTypes.TryGetContentType(full, out var known) ? known : "application/octet-stream";
                return Task.FromResult(Results.File(full, type));
            },
            requireKey: false);
}
