using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Serverless.Storage.Connection;

namespace Serverless.Spark.Tests.Support;

/// <summary>Uploads the sample data to the test storage once per test run (the flights file is ~13 MB).</summary>
internal static class FlightsData
{
    public const string Container = "data";
    public const string FlightsBlob = "samples/flights-3m.parquet";
    public const string AirportsBlob = "samples/airports.csv";

    private static readonly ConcurrentDictionary<string, Lazy<Task>> Uploads = new();

    public static string FlightsFile => RepositoryFiles.Data("flights-3m.parquet");

    public static string AirportsFile => RepositoryFiles.Data("airports.csv");

    public static Task EnsureUploadedAsync(StorageAccount account, string connectionString) =>
        Uploads.GetOrAdd(connectionString, _ => new Lazy<Task>(() => UploadAsync(account))).Value;

    private static async Task UploadAsync(StorageAccount account)
    {
        BlobContainerClient container = account.Blobs.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(FlightsBlob).UploadAsync(FlightsFile, overwrite: true);
        await container.GetBlobClient(AirportsBlob).UploadAsync(AirportsFile, overwrite: true);
    }
}
