using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Validation;
using Serverless.Spark;

namespace Serverless.Pipelines.Loading;

/// <summary>
/// <c>pyspark</c> scripts named relative to their DAG file (<c>file: ./jobs/clean.py</c>, or <c>../shared/x.py</c>):
/// the loader reads each (within the DAG folder or container, at most <see cref="DagDocumentLimits.MaxDocumentBytes"/>)
/// and points the task at <c>spark-scripts/dag-files/{sha256}/{name}</c>, which the catalog uploads, so users never
/// upload a script by hand. The hash in the name makes an edited script a new blob and a new definition hash, and an
/// unchanged one is uploaded once. A <c>file</c> without <c>./</c> or <c>../</c> is a blob location as before.
/// </summary>
public static partial class DagScriptFiles
{
    /// <summary>The folder of uploaded scripts in <see cref="SparkResourceNames.ScriptsContainer"/>.</summary>
    public const string BlobFolder = "dag-files";

    /// <summary>Gets a value indicating whether a task's <c>file</c> names a script relative to the DAG file.</summary>
    /// <param name="file">The <c>file</c> value.</param>
    /// <returns><see langword="true"/> for <c>./…</c> and <c>../…</c> without template expressions.</returns>
    public static bool IsRelative(string? file) =>
        file is not null
        && (file.StartsWith("./", StringComparison.Ordinal) || file.StartsWith("../", StringComparison.Ordinal))
        && !file.Contains("{{", StringComparison.Ordinal);

    /// <summary>Reads a file relative to a DAG file on disk, staying inside the DAG folder.</summary>
    /// <param name="root">The DAG folder.</param>
    /// <param name="dagFileName">The DAG file's name within the folder.</param>
    /// <returns>A reader returning the bytes, or <see langword="null"/> when missing, outside the folder or over the limit.</returns>
    public static Func<string, CancellationToken, Task<byte[]?>> FolderReader(string root, string dagFileName)
    {
        var folder = Path.GetFullPath(root);
        var beside = Path.GetDirectoryName(Path.GetFullPath(Path.Combine(folder, dagFileName)))!;
        return async (relative, cancellationToken) =>
        {
            var full = Path.GetFullPath(Path.Combine(beside, relative));

            // As sqlFile: a DAG file is not a way to read arbitrary files of the host.
            if (!full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full) || new FileInfo(full).Length > DagDocumentLimits.MaxDocumentBytes)
            {
                return null;
            }

            var bytes = await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
            return bytes.Length > DagDocumentLimits.MaxDocumentBytes ? null : bytes;
        };
    }

    /// <summary>Reads a blob relative to a DAG blob in the same container.</summary>
    /// <param name="container">The DAG container.</param>
    /// <param name="dagBlobName">The DAG blob's name.</param>
    /// <returns>A reader returning the bytes, or <see langword="null"/> when missing or over the limit.</returns>
    public static Func<string, CancellationToken, Task<byte[]?>> BlobReader(BlobContainerClient container, string dagBlobName)
    {
        ArgumentNullException.ThrowIfNull(container);
        return async (relative, cancellationToken) =>
        {
            var blob = container.GetBlobClient(DagBlobSource.Resolve(dagBlobName, relative));
            try
            {
                var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                if (properties.Value.ContentLength > DagDocumentLimits.MaxDocumentBytes)
                {
                    return null;
                }

                var content = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToArray();
                return content.Length > DagDocumentLimits.MaxDocumentBytes ? null : content;
            }
            catch (RequestFailedException error) when (error.Status == 404)
            {
                return null;
            }
        };
    }

    /// <summary>Points every relative <c>pyspark</c> script of a loaded DAG at its content-addressed blob.</summary>
    /// <param name="result">The load result.</param>
    /// <param name="read">Reads a path relative to the DAG file.</param>
    /// <param name="scripts">Where the scripts to upload are added.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The result with the tasks rewritten, and a problem for each script that cannot be read.</returns>
    public static async Task<DagLoadResult> ResolveAsync(DagLoadResult result, Func<string, CancellationToken, Task<byte[]?>> read, ICollection<DagScript> scripts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(scripts);
        if (result.Dag is not { } dag || !dag.Tasks.Any(t => t.Kind == DagTaskKind.PySpark && IsRelative(t.File)))
        {
            return result;
        }

        var problems = new List<DagProblem>();
        var tasks = new List<DagTask>(dag.Tasks.Count);
        for (var i = 0; i < dag.Tasks.Count; i++)
        {
            var task = dag.Tasks[i];
            if (task.Kind != DagTaskKind.PySpark || !IsRelative(task.File))
            {
                tasks.Add(task);
                continue;
            }

            if (await read(task.File!, cancellationToken).ConfigureAwait(false) is not { } content)
            {
                problems.Add(new DagProblem(
                    result.FileName,
                    0,
                    0,
                    $"tasks[{i}].file",
                    $"script '{task.File}' is not a file beside the DAG file (inside its folder), or it has more than {DagDocumentLimits.MaxDocumentBytes} bytes"));
                tasks.Add(task);
                continue;
            }

            var name = $"{BlobFolder}/{Convert.ToHexStringLower(SHA256.HashData(content))}/{SafeName(task.File!)}";
            scripts.Add(new DagScript(name, content));
            tasks.Add(task with { File = $"{SparkResourceNames.ScriptsContainer}/{name}" });
        }

        return result with { Dag = dag with { Tasks = tasks }, Problems = [.. result.Problems, .. problems] };
    }

    /// <summary>Uploads scripts not uploaded yet; their names are their content, so one already there is the same.</summary>
    /// <param name="container">The scripts container.</param>
    /// <param name="scripts">The scripts.</param>
    /// <param name="cancellationToken">Cancels the uploads.</param>
    /// <returns>A task.</returns>
    public static async Task UploadAsync(BlobContainerClient container, IReadOnlyCollection<DagScript> scripts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(scripts);
        if (scripts.Count == 0)
        {
            return;
        }

        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var script in scripts.DistinctBy(s => s.BlobName))
        {
            var blob = container.GetBlobClient(script.BlobName);
            if (!await blob.ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                await blob.UploadAsync(new BinaryData(script.Content), overwrite: true, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // The file name is kept for whoever reads a Spark UI; anything but plain characters becomes '_'.
    private static string SafeName(string file)
    {
        var name = UnsafeCharacters().Replace(Path.GetFileName(file.Replace('\\', '/')), "_");
        return name.Length is 0 or > 100 ? "script.py" : name;
    }

    [GeneratedRegex("[^A-Za-z0-9._-]", RegexOptions.CultureInvariant)]
    private static partial Regex UnsafeCharacters();
}
