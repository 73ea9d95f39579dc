using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using DuckDB.NET.Data;
using Microsoft.DurableTask;
using Serverless.Spark.Data;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Durable activity: reads the first rows of a task output as JSON objects — the items of a mapped task expanded over
/// an upstream result, and the one-row result of a branch SQL. Small results only; the rows travel in history.
/// </summary>
public sealed class ReadTaskRows : TaskActivity<ReadTaskRowsInput, List<JsonObject>>
{
    private readonly StorageAccount account;

    /// <summary>Initializes a new instance of the <see cref="ReadTaskRows"/> class.</summary>
    /// <param name="account">The storage account.</param>
    public ReadTaskRows(StorageAccount account) => this.account = account;

    /// <inheritdoc/>
    public override async Task<List<JsonObject>> RunAsync(TaskActivityContext context, ReadTaskRowsInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var location = DataLocation.Parse(input.Location);
        var container = this.account.Blobs.GetBlobContainerClient(location.Container);
        var folder = Path.Combine(Path.GetTempPath(), "serverless-rows", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var extension = "." + input.Format.ToLowerInvariant();
            var files = 0;
            await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, location.Path, CancellationToken.None).ConfigureAwait(false))
            {
                if (!blob.Name.EndsWith(extension, StringComparison.OrdinalIgnoreCase) && !(input.Format == "json" && blob.Name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                var target = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"part-{files++:D6}{extension}"));
                await container.GetBlobClient(blob.Name).DownloadToAsync(target, CancellationToken.None).ConfigureAwait(false);
            }

            if (files == 0)
            {
                return [];
            }

            var pattern = Path.Combine(folder, "*" + extension).Replace("'", "''", StringComparison.Ordinal);
            var source = input.Format.ToLowerInvariant() switch
            {
                "csv" => $"read_csv_auto('{pattern}', header=true)",
                "json" => $"read_json_auto('{pattern}')",
                _ => $"read_parquet('{pattern}')",
            };
            using var connection = new DuckDBConnection("DataSource=:memory:");
            connection.Open();
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The SQL is built from a temp path we created and an integer, not user text.
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"SELECT * FROM {source} LIMIT {input.Limit}");
#pragma warning restore CA2100
            using var reader = command.ExecuteReader();
            var rows = new List<JsonObject>();
            while (reader.Read())
            {
                var row = new JsonObject();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : ToJson(reader.GetValue(i));
                }

                rows.Add(row);
            }

            return rows;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static JsonValue? ToJson(object value) => value switch
    {
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        short s => JsonValue.Create(s),
        byte b => JsonValue.Create(b),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        decimal m => JsonValue.Create(m),
        System.Numerics.BigInteger big => JsonValue.Create(big.ToString(CultureInfo.InvariantCulture)),
        DateTime t => JsonValue.Create(t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
        DateOnly d => JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        IFormattable f => JsonValue.Create(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value.ToString()),
    };
}
