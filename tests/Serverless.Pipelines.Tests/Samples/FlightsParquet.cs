using System.Text.Json.Serialization;
using Parquet.Serialization;

namespace Serverless.Pipelines.Tests.Samples;

/// <summary>
/// Reads the sample flights file with Parquet.Net, not DuckDB, so the expected values of the sample runs come from a
/// second implementation rather than the engine the local backend runs on.
/// </summary>
internal static class FlightsParquet
{
    public static async Task<IList<Flight>> ReadAsync(string path) => (await ParquetSerializer.DeserializeAsync<Flight>(path)).Data;

    /// <summary>Reads the IATA codes of airports.csv (its first column) without DuckDB.</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The codes.</returns>
    public static HashSet<string> AirportCodes(string path) =>
        File.ReadLines(path).Skip(1)
            .Select(line => line.Split(',', 2)[0].Trim('"'))
            .Where(code => code.Length > 0)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The columns the samples filter on.</summary>
    internal sealed class Flight
    {
        [JsonPropertyName("date")]
        public DateTime? Date { get; set; }

        [JsonPropertyName("origin")]
        public string? Origin { get; set; }

        [JsonPropertyName("destination")]
        public string? Destination { get; set; }

        [JsonPropertyName("delay")]
        public long? Delay { get; set; }

        [JsonPropertyName("distance")]
        public long? Distance { get; set; }
    }
}
