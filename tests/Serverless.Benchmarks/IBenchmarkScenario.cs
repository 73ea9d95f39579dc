namespace Serverless.Benchmarks;

/// <summary>A group of benchmark measurements run by <c>./bench.sh NAME</c>.</summary>
internal interface IBenchmarkScenario
{
    /// <summary>Gets the name given on the command line.</summary>
    string Name { get; }

    /// <summary>Gets a one-line description for the usage text.</summary>
    string Description { get; }

    /// <summary>Runs the measurements and writes one JSON object per line to stdout.</summary>
    /// <param name="context">The shared benchmark environment (Azurite, output).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>A task.</returns>
    Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken);
}
