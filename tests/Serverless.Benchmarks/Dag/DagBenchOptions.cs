using System.Globalization;

namespace Serverless.Benchmarks.Dag;

/// <summary>What <c>./bench.sh dag</c> runs: <c>./bench.sh dag [SHAPE…] [--scale F] [--delay-ms N]</c>.</summary>
public sealed record DagBenchOptions
{
    /// <summary>The shape families, in the order they run.</summary>
    public static readonly IReadOnlyList<string> AllShapes = ["chain", "wide", "layers", "map", "runs"];

    /// <summary>Gets the shape families to run (<c>chain</c>, <c>wide</c>, <c>layers</c>, <c>map</c>, <c>runs</c>); all when empty.</summary>
    public IReadOnlyList<string> Shapes { get; init; } = AllShapes;

    /// <summary>Gets what every size is multiplied by: 1 runs chain-50, wide-200, layers-50x100, map-10000 and runs-200x5.</summary>
    public double Scale { get; init; } = 1;

    /// <summary>Gets how long after its submit each job of the chain and wide shapes finishes (the hop shapes). The default is 2 seconds.</summary>
    public TimeSpan HopJobDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Parses the command line after the scenario name.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The options.</returns>
    public static DagBenchOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new DagBenchOptions();
        var shapes = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--scale" when i + 1 < args.Count:
                    options = options with { Scale = Math.Clamp(double.Parse(args[++i], CultureInfo.InvariantCulture), 0.001, 1) };
                    break;
                case "--delay-ms" when i + 1 < args.Count:
                    options = options with { HopJobDelay = TimeSpan.FromMilliseconds(Math.Clamp(int.Parse(args[++i], CultureInfo.InvariantCulture), 0, 60_000)) };
                    break;
                default:
                    var family = args[i].Split('-')[0];
                    shapes.Add(AllShapes.Contains(family) ? family : throw new ArgumentException($"unknown shape '{args[i]}'; shapes: {string.Join(", ", AllShapes)}"));
                    break;
            }
        }

        return shapes.Count == 0 ? options : options with { Shapes = shapes };
    }

    /// <summary>Scales a full size, never below <paramref name="minimum"/>.</summary>
    /// <param name="full">The full size.</param>
    /// <param name="minimum">The least size.</param>
    /// <returns>The size.</returns>
    public int Size(int full, int minimum = 2) => Math.Max(minimum, (int)Math.Round(full * this.Scale));
}
