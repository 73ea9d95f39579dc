namespace Serverless.Pipelines.Definitions;

/// <summary>
/// The dependency graph of a DAG. A task's upstreams are its <see cref="DagTask.DependsOn"/> plus the tasks its
/// inputs and expansion read from (as Airflow adds a dependency for an XCom argument). Unknown task ids are ignored
/// here; <see cref="Validation.DagValidator"/> reports them.
/// </summary>
public sealed class DagGraph
{
    private static readonly IReadOnlySet<string> Empty = new HashSet<string>(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> upstream = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> downstream = new(StringComparer.Ordinal);
    private readonly List<string> declared = [];

    /// <summary>Initializes a new instance of the <see cref="DagGraph"/> class.</summary>
    /// <param name="dag">The DAG.</param>
    public DagGraph(DagDefinition dag)
    {
        ArgumentNullException.ThrowIfNull(dag);
        foreach (var task in dag.Tasks)
        {
            if (upstream.ContainsKey(task.Id))
            {
                continue;
            }

            declared.Add(task.Id);
            upstream[task.Id] = new HashSet<string>(StringComparer.Ordinal);
            downstream[task.Id] = new HashSet<string>(StringComparer.Ordinal);
        }

        foreach (var task in dag.Tasks)
        {
            foreach (var parent in UpstreamIdsAsWritten(task))
            {
                if (upstream.ContainsKey(parent) && !string.Equals(parent, task.Id, StringComparison.Ordinal))
                {
                    upstream[task.Id].Add(parent);
                    downstream[parent].Add(task.Id);
                }
            }
        }

        TopologicalOrder = SortTopologically();
    }

    /// <summary>
    /// Gets the task ids in an order where every task comes after its upstreams; among ready tasks, declaration order
    /// wins, so the order is deterministic. Tasks on a cycle are left out (a valid DAG has none).
    /// </summary>
    public IReadOnlyList<string> TopologicalOrder { get; }

    /// <summary>Gets the task ids without upstreams, in declaration order.</summary>
    public IReadOnlyList<string> Roots => declared.Where(id => upstream[id].Count == 0).ToList();

    /// <summary>Gets the task ids without downstreams, in declaration order.</summary>
    public IReadOnlyList<string> Leaves => declared.Where(id => downstream[id].Count == 0).ToList();

    /// <summary>Gets the direct upstream task ids of a task.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The ids (empty for an unknown task).</returns>
    public IReadOnlySet<string> UpstreamOf(string taskId) => upstream.TryGetValue(taskId, out var set) ? set : Empty;

    /// <summary>Gets the direct downstream task ids of a task.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The ids (empty for an unknown task).</returns>
    public IReadOnlySet<string> DownstreamOf(string taskId) => downstream.TryGetValue(taskId, out var set) ? set : Empty;

    /// <summary>Gets every task a task depends on, directly or not.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The ids, without <paramref name="taskId"/> itself.</returns>
    public IReadOnlySet<string> AncestorsOf(string taskId) => Closure([taskId], upstream, includeStart: false);

    /// <summary>Gets every task that depends on a task, directly or not.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The ids, without <paramref name="taskId"/> itself.</returns>
    public IReadOnlySet<string> DescendantsOf(string taskId) => Closure([taskId], downstream, includeStart: false);

    /// <summary>
    /// Gets the given tasks and everything downstream of them: the tasks a rerun (Airflow's "clear") executes again.
    /// </summary>
    /// <param name="taskIds">The tasks to clear.</param>
    /// <returns>The ids in topological order.</returns>
    public IReadOnlyList<string> DownstreamClosure(IEnumerable<string> taskIds)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        var set = Closure(taskIds.Where(upstream.ContainsKey), downstream, includeStart: true);
        return TopologicalOrder.Where(set.Contains).ToList();
    }

    /// <summary>Gets a value indicating whether <paramref name="ancestorId"/> is upstream of <paramref name="taskId"/>, directly or not.</summary>
    /// <param name="ancestorId">The candidate ancestor.</param>
    /// <param name="taskId">The task.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool IsAncestor(string ancestorId, string taskId) => AncestorsOf(taskId).Contains(ancestorId);

    /// <summary>Finds cycles, one per strongly connected group of tasks, each as a path that returns to its start.</summary>
    /// <returns>The cycles, such as <c>[a, b, c, a]</c>.</returns>
    internal IReadOnlyList<IReadOnlyList<string>> FindCycles()
    {
        var inOrder = new HashSet<string>(TopologicalOrder, StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<IReadOnlyList<string>>();
        foreach (var start in declared)
        {
            if (inOrder.Contains(start) || reported.Contains(start))
            {
                continue;
            }

            // A task left out of the topological order is on a cycle or downstream of one; walk upstream edges that
            // stay among left-out tasks until a task repeats: that closes a cycle.
            var path = new List<string>();
            var position = new Dictionary<string, int>(StringComparer.Ordinal);
            var current = start;
            while (!position.ContainsKey(current))
            {
                position[current] = path.Count;
                path.Add(current);
                current = upstream[current].Where(id => !inOrder.Contains(id)).Order(StringComparer.Ordinal).First();
            }

            var cycle = path.Skip(position[current]).ToList();
            if (cycle.Any(reported.Contains))
            {
                continue;
            }

            // Written in dependency direction (a -> b means b depends on a) and starting from the first declared task.
            cycle.Reverse();
            var first = cycle.IndexOf(cycle.OrderBy(id => declared.IndexOf(id)).First());
            var rotated = cycle.Skip(first).Concat(cycle.Take(first)).ToList();
            rotated.Add(rotated[0]);
            cycles.Add(rotated);
            foreach (var id in Closure(cycle, downstream, includeStart: true).Where(id => !inOrder.Contains(id) && InSameCycle(id, cycle)))
            {
                reported.Add(id);
            }
        }

        return cycles;
    }

    private static IEnumerable<string> UpstreamIdsAsWritten(DagTask task)
    {
        foreach (var id in task.DependsOn)
        {
            yield return id;
        }

        foreach (var input in task.Inputs)
        {
            if (input.FromTask is { } fromTask)
            {
                yield return fromTask;
            }
        }

        if (task.Expand?.FromTask is { } expandTask)
        {
            yield return expandTask;
        }
    }

    private static HashSet<string> Closure(IEnumerable<string> start, Dictionary<string, HashSet<string>> edges, bool includeStart)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(start);
        var starts = new HashSet<string>(stack, StringComparer.Ordinal);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (!edges.TryGetValue(id, out var next))
            {
                continue;
            }

            foreach (var other in next)
            {
                if (seen.Add(other))
                {
                    stack.Push(other);
                }
            }
        }

        if (includeStart)
        {
            seen.UnionWith(starts);
        }
        else
        {
            // A start task reached again (on a cycle) is not its own ancestor for the caller's purpose.
            seen.ExceptWith(starts);
        }

        return seen;
    }

    private bool InSameCycle(string id, List<string> cycle) =>
        Closure([id], downstream, includeStart: false).Contains(cycle[0]) && Closure([cycle[0]], downstream, includeStart: false).Contains(id);

    private List<string> SortTopologically()
    {
        // Kahn's algorithm; the ready set is ordered by declaration index so the order is deterministic.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < declared.Count; i++)
        {
            index[declared[i]] = i;
        }

        var remaining = declared.ToDictionary(id => id, id => upstream[id].Count, StringComparer.Ordinal);
        var ready = new SortedSet<int>(declared.Where(id => remaining[id] == 0).Select(id => index[id]));
        var order = new List<string>(declared.Count);
        while (ready.Count > 0)
        {
            var next = ready.Min;
            ready.Remove(next);
            var id = declared[next];
            order.Add(id);
            foreach (var child in downstream[id])
            {
                if (--remaining[child] == 0)
                {
                    ready.Add(index[child]);
                }
            }
        }

        return order;
    }
}
