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
}
