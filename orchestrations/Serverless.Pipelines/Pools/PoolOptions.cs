namespace Serverless.Pipelines.Pools;

/// <summary>One pool's settings: <c>Serverless__Pools__NAME__Slots</c> and <c>Serverless__Pools__NAME__Description</c>.</summary>
public sealed class PoolOptions
{
    /// <summary>
    /// Gets or sets how many slots the pool has, shared by every task of every DAG that names it, on every host. A
    /// named pool needs at least 1. For <c>default_pool</c> zero or less (the default when it is not set) means
    /// unlimited: its tasks then take no slot at all.
    /// </summary>
    public int Slots { get; set; }

    /// <summary>Gets or sets what the pool is for, shown by the API and the dashboard. The default is none.</summary>
    public string? Description { get; set; }
}
