namespace Serverless.Pipelines.Loading;

/// <summary>
/// The limits every DAG document is read under, whether it comes from the DAG folder, the DAG container or the
/// validate route. Depth, node count and time are checked on YamlDotNet's event stream and on the JSON token stream —
/// both iterative — before any recursive code sees the document, so a hostile file costs at most these bounds and
/// becomes a listed problem naming the limit, never a crash of the host.
/// </summary>
/// <remarks>
/// Anchors and aliases are allowed, but every alias costs the size of the node it repeats, so alias expansion
/// ("billion laughs") is bounded by <see cref="MaxNodes"/>; an alias inside the node it names, an alias to no anchor
/// and an anchor defined twice are refused.
/// </remarks>
public static class DagDocumentLimits
{
    /// <summary>
    /// The largest DAG file or SQL file, in bytes: 1 MiB (1,048,576), the same as the API's request body limit. It is
    /// checked where the bytes come in: the folder and container sources look at a file's length before reading it.
    /// A DAG's exported JSON, which inlines its SQL files, may be larger and is not checked again.
    /// </summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>
    /// The deepest nesting of mappings and sequences, counting the root as 1 and aliases as the depth they expand to:
    /// 64, as System.Text.Json's default. A DAG needs about 6.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The most nodes (mappings, sequences, scalars and keys) a document may have with its aliases expanded: 250,000.
    /// A DAG of 1,000 tasks with 30 fields each has about 60,000; the benchmarks' 5,000-task DAG about 90,000.
    /// </summary>
    public const int MaxNodes = 250_000;

    /// <summary>
    /// The most tasks a DAG may declare: 10,000 (the benchmarks' largest DAG, layers-50x100, has 5,000). Checking a DAG costs more than
    /// linear time in its tasks (cycle reports), so the count is bounded before validation sees it.
    /// </summary>
    public const int MaxTasks = 10_000;

    /// <summary>
    /// The most files (or blobs) of a DAG folder or container the hot reload's change check looks at: 10,000. It runs
    /// every few seconds, so its cost is bounded whatever lands in the folder.
    /// </summary>
    public const int MaxWatchedFiles = 10_000;

    /// <summary>
    /// The processor time reading one document's syntax may take, in milliseconds: 2,000. Where the system does not
    /// tell a thread's processor time (it does on Linux), it is wall-clock time; a thread the machine starves is held
    /// at most five budgets of wall-clock time. Within the other limits a document reads in well under the budget (a
    /// 10,000-task DAG, about 120,000 nodes, in 0.04 to 0.13 s of processor time on a 2-core build machine); the budget is
    /// the backstop that keeps a parser pathology from holding a thread. It counts processor time because on that
    /// machine under load the same document took over 2 s of wall-clock time.
    /// </summary>
    public const int ParseTimeBudgetMilliseconds = 2_000;

    /// <summary>Gets the earliest date a DAG file or an API request may name: 1900-01-01T00:00:00Z.</summary>
    /// <remarks>The range keeps schedule arithmetic (Cronos, time zone conversion) far from the ends of <see cref="DateTimeOffset"/>.</remarks>
    public static DateTimeOffset EarliestDate { get; } = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Gets the latest date a DAG file or an API request may name: 9000-01-01T00:00:00Z.</summary>
    /// <remarks>The range keeps schedule arithmetic (Cronos, time zone conversion) far from the ends of <see cref="DateTimeOffset"/>.</remarks>
    public static DateTimeOffset LatestDate { get; } = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Gets the time reading one document's syntax may take (<see cref="ParseTimeBudgetMilliseconds"/>).</summary>
    public static TimeSpan ParseTimeBudget { get; } = TimeSpan.FromMilliseconds(ParseTimeBudgetMilliseconds);

    /// <summary>Gets a value indicating whether a date is within <see cref="EarliestDate"/> and <see cref="LatestDate"/>, both included.</summary>
    /// <param name="value">The date.</param>
    /// <returns><see langword="true"/> when within the range.</returns>
    public static bool IsWithinDateRange(DateTimeOffset value) => value >= EarliestDate && value <= LatestDate;
}
