using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Benchmarks;

/// <summary>What every scenario shares: the storage emulator's connection string and the JSON-lines output.</summary>
/// <param name="ConnectionString">The Azurite connection string.</param>
internal sealed record BenchmarkContext(string ConnectionString)
{
    /// <summary>Gets the command-line arguments after the scenario name.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>Gets the repository root (where package.json is).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
                {
                    return dir.FullName;
                }
            }

            return Directory.GetCurrentDirectory();
        }
    }

    /// <summary>Writes one result line to stdout.</summary>
    /// <param name="result">The figures.</param>
    public static void Emit(JsonObject result) => Console.Out.WriteLine(result.ToJsonString(Compact));

    /// <summary>Gets the peak resident set size of this process in MB (VmHWM).</summary>
    /// <returns>The peak, or 0 where /proc is not available.</returns>
    public static double PeakRssMb() => ProcessMemory.PeakRssMb();
}
