using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Pipelines.Validation;

namespace Serverless.Pipelines.Loading;

/// <summary>Loads every DAG file (<c>*.yaml</c>, <c>*.yml</c>, <c>*.json</c>) directly in a local folder: how the local host finds its DAGs.</summary>
public sealed class DagFolderSource
{
    /// <summary>Initializes a new instance of the <see cref="DagFolderSource"/> class.</summary>
    /// <param name="folder">The folder.</param>
    public DagFolderSource(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Folder = folder;
    }

    /// <summary>Gets the folder.</summary>
    public string Folder { get; }

    /// <summary>
    /// Loads and validates every DAG file in the folder, in file name order. Two files declaring the same DAG id are both
    /// reported; a file that is too large (<see cref="DagDocumentLimits"/>) or cannot be read is a result with that problem.
    /// </summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>One result per file.</returns>
    public async Task<IReadOnlyList<DagLoadResult>> LoadAsync(CancellationToken cancellationToken = default)
    {
        var files = Directory.EnumerateFiles(Folder)
            .Where(DagFileLoader.IsDagFile)
            .Order(StringComparer.Ordinal)
            .ToList();
        var results = new List<DagLoadResult>(files.Count);
        foreach (var file in files)
        {
            try
            {
                results.Add(await DagFileLoader.LoadFileAsync(file, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // One unreadable file (removed mid-listing, locked, no permission) is that file's problem, not the folder's.
                results.Add(new DagLoadResult(Path.GetFileName(file), null, [new DagProblem(Path.GetFileName(file), 0, 0, string.Empty, $"the file could not be read: {error.Message}")]));
            }
        }

        return DuplicateDagIds.Report(results);
    }

    /// <summary>
    /// Gets a fingerprint of what a load reads: the name, length and last write time of every DAG and <c>.sql</c> file
    /// under the folder. It changes when a file is added, edited or removed, so a reload is needed only then. At most
    /// <see cref="DagDocumentLimits.MaxWatchedFiles"/> files are looked at; a missing folder has a fingerprint of its own.
    /// </summary>
    /// <returns>The fingerprint.</returns>
    public string Fingerprint()
    {
        if (!Directory.Exists(Folder))
        {
            return "absent";
        }

        var entries = new DirectoryInfo(Folder)
            .EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Where(f => DagFileLoader.IsDagFile(f.Name) || f.Name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            .Take(DagDocumentLimits.MaxWatchedFiles)
            .Select(f => string.Create(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(Folder, f.FullName)}|{f.Length}|{f.LastWriteTimeUtc.Ticks}"))
            .Order(StringComparer.Ordinal);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', entries))));
    }
}
