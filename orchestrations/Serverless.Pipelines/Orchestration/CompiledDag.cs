using System.Collections.Concurrent;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Runs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// A run's DAG parsed once per process: the definition, its graph, each task's effective settings and position, and
/// the definition hashes. Replay re-runs the orchestrator every episode, so without this every episode would parse the
/// exported JSON and rebuild the graph again — work that grows with the DAG, for a result that never changes.
/// </summary>
/// <remarks>Shared by every run (and episode) of one definition, so nothing here may change after it is built.</remarks>
internal sealed class CompiledDag
{
    private const int CacheCapacity = 64;
    private static readonly ConcurrentDictionary<string, CompiledDag> Cache = new(StringComparer.Ordinal);

    private CompiledDag(DagDefinition dag, string hash, IReadOnlyDictionary<string, string> taskHashes)
    {
        this.Dag = dag;
        this.Hash = hash;
        this.TaskHashes = taskHashes;
        this.Graph = new DagGraph(dag);
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        var settings = new Dictionary<string, EffectiveTaskSettings>(StringComparer.Ordinal);
        foreach (var id in this.Graph.TopologicalOrder)
        {
            order[id] = order.Count;
            settings[id] = dag.SettingsFor(dag.FindTask(id)!);
        }

        this.Order = order;
        this.Settings = settings;
    }

    /// <summary>Gets the definition.</summary>
    public DagDefinition Dag { get; }

    /// <summary>Gets the definition hash (<see cref="DagDefinitionHash.Of"/>), the cache key.</summary>
    public string Hash { get; }

    /// <summary>Gets each task's definition hash.</summary>
    public IReadOnlyDictionary<string, string> TaskHashes { get; }

    /// <summary>Gets the graph.</summary>
    public DagGraph Graph { get; }

    /// <summary>Gets each task's position in <see cref="DagGraph.TopologicalOrder"/>: the order tasks are examined and started in.</summary>
    public IReadOnlyDictionary<string, int> Order { get; }

    /// <summary>Gets each task's effective settings.</summary>
    public IReadOnlyDictionary<string, EffectiveTaskSettings> Settings { get; }

    /// <summary>Gets the compiled DAG of a run's exported JSON, parsing it only the first time this process sees that definition.</summary>
    /// <param name="input">The run.</param>
    /// <returns>The compiled DAG.</returns>
    /// <exception cref="InvalidOperationException">The DAG is invalid.</exception>
    public static CompiledDag Of(DagRunInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var hash = DagDefinitionHash.Of(input.DagJson);
        if (Cache.TryGetValue(hash, out var cached))
        {
            return cached;
        }

        // Parsing is a pure function of the JSON, so a cache miss (another process, an eviction) gives the same result.
        var loaded = DagFileLoader.Load(input.DagJson, input.DagId + ".json");
        if (loaded.Dag is null || !loaded.IsValid)
        {
            throw new InvalidOperationException($"The DAG '{input.DagId}' of run '{input.RunId}' is invalid: {string.Join("; ", loaded.Problems.Select(p => p.Message))}");
        }

        var compiled = new CompiledDag(loaded.Dag, hash, DagDefinitionHash.OfTasks(input.DagJson));
        if (Cache.Count >= CacheCapacity)
        {
            // Definitions change rarely; dropping them all now and then is simpler than an LRU and costs one parse each.
            Cache.Clear();
        }

        return Cache.GetOrAdd(hash, compiled);
    }
}
