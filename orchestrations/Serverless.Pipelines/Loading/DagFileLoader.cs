using System.Globalization;
using System.Text;
using Serverless.Pipelines.Validation;

namespace Serverless.Pipelines.Loading;

/// <summary>
/// Loads a DAG from YAML (<c>.yaml</c>, <c>.yml</c>) or JSON (<c>.json</c>) text — one schema for both — and validates
/// it, reporting every problem with its line and column.
/// </summary>
public static class DagFileLoader
{
    /// <summary>The file extensions DAG files have.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".yaml", ".yml", ".json"];

    /// <summary>Gets a value indicating whether a file name has a DAG file extension.</summary>
    /// <param name="fileName">The file or blob name.</param>
    /// <returns><see langword="true"/> for <c>.yaml</c>, <c>.yml</c> and <c>.json</c>.</returns>
    public static bool IsDagFile(string fileName) => Extensions.Any(e => fileName.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>Loads and validates a DAG from text.</summary>
    /// <param name="content">The file content.</param>
    /// <param name="fileName">The file or blob name; its extension picks YAML or JSON.</param>
    /// <param name="readRelativeFile">Reads a file named relative to the DAG file (for <c>sqlFile</c>), returning <see langword="null"/> when it does not exist; <see langword="null"/> when there is no folder.</param>
    /// <returns>The model and every problem.</returns>
    public static DagLoadResult Load(string content, string fileName, Func<string, string?>? readRelativeFile = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(fileName);
        var problems = new List<DagProblem>();
        var isJson = fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        if (!isJson && !IsDagFile(fileName))
        {
            return new DagLoadResult(fileName, null, [new DagProblem(fileName, 0, 0, string.Empty, "a DAG file name ends in .yaml, .yml or .json")]);
        }

        var root = isJson ? JsonSourceReader.Read(content, out var error) : YamlSourceReader.Read(content, out error);
        if (root is null)
        {
            var (line, column, message) = error!.Value;
            return new DagLoadResult(fileName, null, [new DagProblem(fileName, line, column, string.Empty, message)]);
        }

        var map = new DagSourceMap(fileName);
        var dag = new DagDocumentReader(map, problems, readRelativeFile).Read(root);
        if (dag is not null)
        {
            problems.AddRange(DagValidator.Validate(dag, map));
        }

        var ordered = problems
            .DistinctBy(p => (p.Path, p.Message))
            .OrderBy(p => p.Line == 0 ? int.MaxValue : p.Line)
            .ThenBy(p => p.Column)
            .ToList();
        return new DagLoadResult(fileName, dag, ordered);
    }

    /// <summary>Loads and validates a DAG file from disk; <c>sqlFile</c> is read relative to its folder.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The model and every problem.</returns>
    public static async Task<DagLoadResult> LoadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);

        // The length is checked before reading, so a huge file in the DAG folder costs nothing but this problem.
        var length = new FileInfo(path).Length;
        if (length > DagDocumentLimits.MaxDocumentBytes)
        {
            return TooLarge(Path.GetFileName(path), length);
        }

        var content = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Load(content, Path.GetFileName(path), relative => ReadBeside(folder, relative));
    }

    /// <summary>Gets the result for a DAG file over <see cref="DagDocumentLimits.MaxDocumentBytes"/>, which is not read.</summary>
    /// <param name="fileName">The file or blob name.</param>
    /// <param name="length">Its length in bytes.</param>
    /// <returns>A result with no model and the one problem.</returns>
    public static DagLoadResult TooLarge(string fileName, long length) => new(
        fileName,
        null,
        [new DagProblem(fileName, 0, 0, string.Empty, string.Create(CultureInfo.InvariantCulture, $"the file is {length} bytes; a DAG file may have at most {DagDocumentLimits.MaxDocumentBytes} (limit {nameof(DagDocumentLimits)}.{nameof(DagDocumentLimits.MaxDocumentBytes)})"))]);

    private static string? ReadBeside(string folder, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(folder, relative));

        // sqlFile must stay inside the DAG folder: a DAG file is not a way to read arbitrary files of the host.
        if (!full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
        {
            return null;
        }

        // A SQL file over the limit is left unread, like a missing one; the problem says both.
        if (new FileInfo(full).Length > DagDocumentLimits.MaxDocumentBytes)
        {
            return null;
        }

        return File.ReadAllText(full, Encoding.UTF8);
    }
}
