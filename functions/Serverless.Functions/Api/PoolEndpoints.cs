using Serverless.Pipelines.Pools;

namespace Serverless.Functions.Api;

/// <summary>The pool routes: occupancy of every pool.</summary>
internal static class PoolEndpoints
{
    internal static async Task<IResult> ListAsync(HttpContext context, PoolOccupancy pools)
    {
        var list = await pools.ListAsync(context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new { pools = list }, ApiJson.Options);
    }
}
