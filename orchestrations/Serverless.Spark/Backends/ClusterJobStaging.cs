using System.Reflection;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Serverless.Spark.Data;
using Serverless.Spark.Jobs;
using Serverless.Storage.Connection;

namespace Serverless.Spark.Backends;

/// <summary>
/// Turns a spec into what a cluster runs. A <c>sql</c> job becomes the generic PySpark runner (uploaded once, named by
/// its content hash) with the spec JSON (locations rewritten to cluster URIs) uploaded next to the job in the
/// <c>spark-scripts</c> container; <c>pyspark</c> and <c>jar</c> jobs get their files rewritten to cluster URIs.
/// </summary>
internal sealed class ClusterJobStaging
{
    private readonly StorageAccount account;
    private readonly string pathTemplate;
    private readonly Lazy<(string Name, byte[] Content)> runner = new(LoadRunner);

    /// <summary>Initializes a new instance of the <see cref="ClusterJobStaging"/> class.</summary>
    /// <param name="account">The storage account.</param>
    /// <param name="pathTemplate">The cluster path template with <c>{container}</c>, <c>{account}</c>, <c>{path}</c>.</param>
    public ClusterJobStaging(StorageAccount account, string pathTemplate)
    {
        this.account = account;
        this.pathTemplate = pathTemplate;
    }

    /// <summary>Returns the cluster URI of a location.</summary>
    /// <param name="location">The location.</param>
    /// <returns>For example <c>abfss://data@acct.dfs.core.windows.net/a/b</c>.</returns>
    public string ClusterPath(DataLocation location) => this.pathTemplate
        .Replace("{container}", location.Container, StringComparison.Ordinal)
        .Replace("{account}", this.account.AccountName, StringComparison.Ordinal)
        .Replace("{path}", location.Path, StringComparison.Ordinal);

    /// <summary>Prepares a job: uploads what the cluster needs and returns the program to run.</summary>
    /// <param name="spec">The validated spec.</param>
    /// <param name="idempotencyKey">The job key (names the spec blob).</param>
    /// <param name="cancellationToken">Cancels the uploads.</param>
    /// <returns>The program.</returns>
    public async Task<ClusterProgram> PrepareAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (spec.Kind != SparkJobKind.Sql)
        {
            return new ClusterProgram(
                this.FilePath(spec.File!),
                spec.ClassName,
                spec.Args,
                [.. spec.PyFiles.Select(this.FilePath)],
                [.. spec.Jars.Select(this.FilePath)])
            {
                Files = [.. spec.Files.Select(this.FilePath)],
                Archives = [.. spec.Archives.Select(this.ArchivePath)],
            };
        }

        BlobContainerClient scripts = this.account.Blobs.GetBlobContainerClient(SparkResourceNames.ScriptsContainer);
        await scripts.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        (string runnerName, byte[] content) = this.runner.Value;
        BlobClient runnerBlob = scripts.GetBlobClient(runnerName);
        if (!await runnerBlob.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            await runnerBlob.UploadAsync(new BinaryData(content), overwrite: true, cancellationToken).ConfigureAwait(false);
        }

        string specName = $"jobs/{SparkIdempotencyKey.Hash(idempotencyKey)}/spec.json";
        await scripts.GetBlobClient(specName)
            .UploadAsync(BinaryData.FromString(this.ClusterSpecJson(spec)), overwrite: true, cancellationToken)
            .ConfigureAwait(false);
        Uri endpoint = this.account.Blobs.Uri;
        return new ClusterProgram(
            this.ClusterPath(DataLocation.Parse($"{SparkResourceNames.ScriptsContainer}/{runnerName}", endpoint)),
            null,
            [this.ClusterPath(DataLocation.Parse($"{SparkResourceNames.ScriptsContainer}/{specName}", endpoint))],
            [],
            [.. spec.Jars.Select(this.FilePath)])
        {
            Files = [.. spec.Files.Select(this.FilePath)],
            Archives = [.. spec.Archives.Select(this.ArchivePath)],
        };
    }

    /// <summary>Returns the spec as the runner reads it: locations as cluster URIs.</summary>
    /// <param name="spec">The spec.</param>
    /// <returns>The JSON text.</returns>
    public string ClusterSpecJson(SparkJobSpec spec)
    {
        Uri endpoint = this.account.Blobs.Uri;
        SparkJobSpec resolved = spec with
        {
            Inputs = [.. spec.Inputs.Select(i => i with { Location = this.ClusterPath(DataLocation.Parse(i.Location, endpoint)) })],
            Outputs = [.. spec.Outputs.Select(o => o with { Location = this.ClusterPath(DataLocation.Parse(o.Location, endpoint).AsFolder) })],
        };
        return resolved.ToJson();
    }

    private static (string Name, byte[] Content) LoadRunner()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Serverless.Spark.sql_runner.py")
            ?? throw new InvalidOperationException("The sql_runner.py resource is missing from the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] content = buffer.ToArray();

        // Content-addressed, so a new runner version never changes a script a running job already uses.
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content))[..12];
        return ($"runner/sql_runner-{hash}.py", content);
    }

    // Spark names an extracted archive after a `#alias` suffix; the alias is not part of the blob path.
    private string ArchivePath(string archive) =>
        archive.IndexOf('#', StringComparison.Ordinal) is int hash and >= 0
            ? this.FilePath(archive[..hash]) + archive[hash..]
            : this.FilePath(archive);

    private string FilePath(string file) =>
        file.Contains("://", StringComparison.Ordinal) || file.StartsWith("dbfs:", StringComparison.Ordinal)
            ? file
            : this.ClusterPath(DataLocation.Parse(file, this.account.Blobs.Uri));
}

/// <summary>What a cluster runs for a job.</summary>
/// <param name="File">The script or JAR URI.</param>
/// <param name="ClassName">The main class of a JAR.</param>
/// <param name="Args">The arguments.</param>
/// <param name="PyFiles">Extra Python files.</param>
/// <param name="Jars">Extra JARs.</param>
internal sealed record ClusterProgram(string File, string? ClassName, IReadOnlyList<string> Args, IReadOnlyList<string> PyFiles, IReadOnlyList<string> Jars)
{
    /// <summary>Gets the files placed in each executor's working folder.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Gets the archives extracted into each executor's working folder.</summary>
    public IReadOnlyList<string> Archives { get; init; } = [];

    /// <summary>Gets the JSON array of a list.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The array.</returns>
    public static JsonArray Array(IEnumerable<string> values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];
}
