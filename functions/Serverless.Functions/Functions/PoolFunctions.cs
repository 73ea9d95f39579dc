using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Api;
using Serverless.Pipelines.Pools;

namespace Serverless.Functions.Functions;

/// <summary>The pool routes: what holds and what waits for each pool's slots.</summary>
public sealed class PoolFunctions
{
    private readonly ApiGate gate;
    private readonly PoolOccupancy pools;

    /// <summary>Initializes a new instance of the <see cref="PoolFunctions"/> class.</summary>
    /// <param name="gate">The API gate.</param>
    /// <param name="pools">Reads the pools' occupancy.</param>
    public PoolFunctions(ApiGate gate, PoolOccupancy pools)
    {
        this.gate = gate;
        this.pools = pools;
    }

    /// <summary>Lists the pools: slots, occupied, queued, description, and the task attempts holding and waiting.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The pools.</returns>
    [Function(FunctionNames.ListPools)]
    public Task<IResult> ListPools(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/pools")] HttpRequest request) =>
        this.gate.RunAsync(request, () => PoolEndpoints.ListAsync(request.HttpContext, this.pools));
}
