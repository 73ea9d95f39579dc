using Azure;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Service;
using Serverless.Spark.Hosting;
using Serverless.Storage.Connection;

namespace Serverless.Functions.Api;

/// <summary>The run manifest route: the lineage JSON the DAG orchestrator writes next to a run's data.</summary>
public static class ManifestEndpoints
{
    /// <summary>The manifest's blob name under <c>{dag}/{runId}/</c> in the data container.</summary>
    public const string ManifestFileName = "_manifest.json";

    internal static async Task<IResult> GetAsync(HttpContext context, IDagRunService runs, StorageAccount account, IOptions<SparkOptions> spark, string runId)
    {
        RouteValues.RunId(runId);
        var run = await runs.GetRunAsync(runId, context.RequestAborted).ConfigureAwait(false)
            ?? throw new DagRunNotFoundException($"Run '{runId}' does not exist (or was purged). List runs with GET /api/runs.");

        // The dag id comes from the run record and was validated when the run started, so the path is safe to build.
        var blob = account.Blobs.GetBlobContainerClient(spark.Value.DataContainer).GetBlobClient($"{run.DagId}/{runId}/{ManifestFileName}");
        try
        {
            var content = await blob.DownloadContentAsync(context.RequestAborted).ConfigureAwait(false);
            return Results.Text(content.Value.Content.ToString(), "application/json");
        }
        catch (RequestFailedException error) when (error.Status == StatusCodes.Status404NotFound)
        {
            throw new ApiProblemException(
                StatusCodes.Status404NotFound,
                "Not found",
                $"Run '{runId}' has no manifest yet: the orchestrator writes it as tasks finish. Try again shortly.");
        }
    }
}
