using System.Data.Common;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DuckDB.NET.Data;

namespace Serverless.Cli.Output;

/// <summary>Reads the first rows of a task output (a blob folder of Parquet, CSV or JSON files) with DuckDB.</summary>
public static class OutputPreview
{
    /// <summary>Reads the first rows.</summary>
    /// <param name="blobs">The account's blob service.</param>
    /// <param name="location"><c>container/path</c> of the output (a folder or one blob).</param>
    /// <param name="rows">How many rows.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Column names and rows as text; empty when the output has no data files.</returns>
    public static async Task<(IReadOnlyList<string> Columns, IReadOnlyList<string[]> Rows)> ReadAsync(BlobServiceClient blobs, string location, int rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(location);
        var slash = location.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            // Not container/path: nothing in storage to preview.
            return ([], []);
        }

        var container = blobs.GetBlobContainerClient(location[..slash]);
        var prefix = location[(slash + 1)..];
        var folder = Directory.CreateTempSubdirectory("serverless-preview-");
        try
        {
            var files = new List<string>();
            await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
            {
                var name = Path.GetFileName(item.Name);
                var extension = Path.GetExtension(name).ToLowerInvariant();
                if (name.StartsWith('_') || extension is not (".parquet" or ".csv" or ".json" or ".jsonl" or ".ndjson"))
                {
                    continue;
                }

                var local = Path.Combine(folder.FullName, files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + extension);
                await container.GetBlobClient(item.Name).DownloadToAsync(local, cancellationToken).ConfigureAwait(false);
                files.Add(local);
                if (files.Count == 8)
                {
                    break;
                }
            }

            if (files.Count == 0)
            {
                return ([], []);
            }

            var list = string.Join(", ", files.Select(f => $"'{f.Replace("'", "''", StringComparison.Ordinal)}'"));
            var reader = Path.GetExtension(files[0]) switch
            {
                ".parquet" => $"read_parquet([{list}])",
                ".csv" => $"read_csv_auto([{list}])",
                _ => $"read_json_auto([{list}])",
            };
            using var connection = new DuckDBConnection("Data Source=:memory:");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {reader} LIMIT {rows}";
            using DbDataReader data = command.ExecuteReader();
            var columns = Enumerable.Range(0, data.FieldCount).Select(data.GetName).ToList();
            var result = new List<string[]>();
            while (data.Read())
            {
                result.Add(Enumerable.Range(0, data.FieldCount).Select(i => data.IsDBNull(i) ? "null" : Format(data.GetValue(i))).ToArray());
            }

            return (columns, result);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Format(object value) => value switch
    {
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
