using System.Text.Json.Nodes;

namespace Serverless.Benchmarks;

/// <summary>
/// The memory of one phase of a bench (a DAG run, a baseline): the process's exact peak RSS over the phase (the
/// peak is reset at its start, see <see cref="ProcessMemory.ResetPeak"/>), and, sampled every 200 ms, the largest
/// RSS and managed heap seen, so a peak can be told apart into managed heap and the rest (native, code, stacks).
/// </summary>
public sealed class MemoryPhase : IDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(200);
    private readonly Timer timer;
    private readonly int gen2Before;
    private readonly object gate = new();
    private double maxRssMb;
    private double maxHeapMb;
    private double maxCommittedMb;
    private double heapAtMaxRssMb;
    private JsonObject gcAtMaxRss = [];

    private MemoryPhase(string name, bool reset)
    {
        this.Name = name;
        this.PeakReset = reset;
        this.gen2Before = GC.CollectionCount(2);
        this.Sample();
        this.timer = new Timer(_ => this.Sample(), null, Every, Every);
    }

    /// <summary>Gets the phase's name.</summary>
    public string Name { get; }

    /// <summary>Gets a value indicating whether the process's peak was reset at the start (false where /proc cannot do it: then <see cref="End"/>'s peak is the process's).</summary>
    public bool PeakReset { get; }

    /// <summary>Resets the process's peak RSS and starts sampling.</summary>
    /// <param name="name">The phase's name.</param>
    /// <returns>The running phase.</returns>
    public static MemoryPhase Begin(string name) => new(name, ProcessMemory.ResetPeak());

    /// <summary>Stops sampling and returns the phase's figures.</summary>
    /// <returns>The phase's <c>phase</c>, <c>peak_rss_mb</c> (exact, from VmHWM), <c>max_rss_sampled_mb</c>, <c>managed_at_max_rss_mb</c>, <c>max_managed_mb</c>, <c>max_gc_committed_mb</c>, <c>gen2_collections</c>.</returns>
    public JsonObject End()
    {
        this.timer.Dispose();
        this.Sample();
        lock (this.gate)
        {
            return new JsonObject
            {
                ["phase"] = this.Name,
                ["peak_rss_mb"] = ProcessMemory.PeakRssMb(),
                ["peak_reset"] = this.PeakReset,
                ["max_rss_sampled_mb"] = this.maxRssMb,
                ["managed_at_max_rss_mb"] = this.heapAtMaxRssMb,
                ["max_managed_mb"] = this.maxHeapMb,
                ["max_gc_committed_mb"] = this.maxCommittedMb,
                ["last_gc_at_max_rss"] = this.gcAtMaxRss.DeepClone(),
                ["gen2_collections"] = GC.CollectionCount(2) - this.gen2Before,
            };
        }
    }

    /// <inheritdoc/>
    public void Dispose() => this.timer.Dispose();

    /// <summary>The last collection's figures: generation sizes after it (0, 1, 2, large, pinned objects), its fragmentation and committed bytes.</summary>
    private static JsonObject Describe(GCMemoryInfo info)
    {
        var gens = info.GenerationInfo;
        string[] names = ["gen0", "gen1", "gen2", "loh", "poh"];
        var line = new JsonObject { ["kind"] = info.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture), ["heap_mb"] = Mb(info.HeapSizeBytes), ["fragmented_mb"] = Mb(info.FragmentedBytes), ["committed_mb"] = Mb(info.TotalCommittedBytes) };
        for (var i = 0; i < Math.Min(gens.Length, names.Length); i++)
        {
            line[names[i] + "_mb"] = Mb(gens[i].SizeAfterBytes);
        }

        return line;
    }

    private static double Mb(long bytes) => Math.Round(bytes / 1024.0 / 1024.0, 1);

    private void Sample()
    {
        var rss = ProcessMemory.RssMb();
        var heap = Mb(GC.GetTotalMemory(false));
        var info = GC.GetGCMemoryInfo();
        var committed = Mb(info.TotalCommittedBytes);
        lock (this.gate)
        {
            if (rss > this.maxRssMb)
            {
                this.maxRssMb = rss;
                this.heapAtMaxRssMb = heap;
                this.gcAtMaxRss = Describe(info);
            }

            this.maxHeapMb = Math.Max(this.maxHeapMb, heap);
            this.maxCommittedMb = Math.Max(this.maxCommittedMb, committed);
        }
    }
}
