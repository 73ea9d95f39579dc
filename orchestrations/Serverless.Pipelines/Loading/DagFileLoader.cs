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
    // The read size of DAG and SQL files; they are read in chunks so a file's reported length need not be trusted.
    private const int ChunkBytes = 16 * 1024;

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
        return new DagLoadResult(fileName, dag, ordered) { SourceMap = map };
    }

    /// <summary>Loads and validates a DAG file from disk; <c>sqlFile</c> is read relative to its folder.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The model and every problem; a file over <see cref="DagDocumentLimits.MaxDocumentBytes"/> is a result with that problem.</returns>
    public static async Task<DagLoadResult> LoadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var content = await ReadBoundedAsync(path, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return TooLarge(Path.GetFileName(path), null);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Load(content, Path.GetFileName(path), relative => ReadBeside(folder, relative));
    }

    /// <summary>Gets the result for a DAG file over <see cref="DagDocumentLimits.MaxDocumentBytes"/>, which is not read.</summary>
    /// <param name="fileName">The file or blob name.</param>
    /// <param name="length">Its length in bytes, when known.</param>
    /// <returns>A result with no model and the one problem.</returns>
    internal static DagLoadResult TooLarge(string fileName, long? length) => new(
        fileName,
        null,
        [
            new DagProblem(
                fileName,
                0,
                0,
                string.Empty,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"the file is {(length is { } known ? known + " bytes" : "larger than that")}; a DAG file may have at most {DagDocumentLimits.MaxDocumentBytes} bytes (limit {nameof(DagDocumentLimits)}.{nameof(DagDocumentLimits.MaxDocumentBytes)})")),
        ]);

    // Reads at most the limit and one byte more, rather than trusting the length the file system reports: a file can
    // grow while it is read, and a link to a device (/dev/zero) reports 0 and never ends. Null when over the limit.
    private static async Task<string?> ReadBoundedAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, ChunkBytes, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            using var content = new MemoryStream();
            var chunk = new byte[ChunkBytes];
            int read;
            while (content.Length <= DagDocumentLimits.MaxDocumentBytes && (read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                content.Write(chunk, 0, read);
            }

            return content.Length > DagDocumentLimits.MaxDocumentBytes ? null : Decode(content);
        }
    }

    private static string? ReadBounded(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, ChunkBytes);
        using var content = new MemoryStream();
        var chunk = new byte[ChunkBytes];
        int read;
        while (content.Length <= DagDocumentLimits.MaxDocumentBytes && (read = stream.Read(chunk)) > 0)
        {
            content.Write(chunk, 0, read);
        }

        return content.Length > DagDocumentLimits.MaxDocumentBytes ? null : Decode(content);
    }

    // As File.ReadAllText does: UTF-8 unless a byte order mark says otherwise, the mark itself dropped.
    private static string Decode(MemoryStream content)
    {
        content.Position = 0;
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return reader.ReadToEnd();
    }

    private static string? ReadBeside(string folder, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(folder, relative));

        // sqlFile must stay inside the DAG folder: a DAG file is not a way to read arbitrary files of the host.
        if (!full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
        {
            return null;
        }

        // A SQL file over the limit is left unread, like a missing one; the problem says both.
        return ReadBounded(full);
    }
}
