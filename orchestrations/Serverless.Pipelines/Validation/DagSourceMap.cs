namespace Serverless.Pipelines.Validation;

/// <summary>
/// Where each field of a loaded DAG was written: model paths (<c>tasks[2].dependsOn[0]</c>) to 1-based line and
/// column, so validation of the model can point at the file.
/// </summary>
public sealed class DagSourceMap
{
    private readonly Dictionary<string, (int Line, int Column)> positions = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="DagSourceMap"/> class.</summary>
    /// <param name="file">The file or blob name.</param>
    public DagSourceMap(string? file) => File = file;

    /// <summary>Gets the file or blob name.</summary>
    public string? File { get; }

    /// <summary>Records where a field was written (the first record of a path wins).</summary>
    /// <param name="path">The model path.</param>
    /// <param name="line">The 1-based line.</param>
    /// <param name="column">The 1-based column.</param>
    public void Add(string path, int line, int column) => positions.TryAdd(path, (line, column));

    /// <summary>Makes a problem for a field, located at the field or, failing that, at its nearest recorded parent.</summary>
    /// <param name="path">The model path.</param>
    /// <param name="message">What is wrong.</param>
    /// <returns>The problem.</returns>
    public DagProblem Problem(string path, string message)
    {
        ArgumentNullException.ThrowIfNull(path);
        var probe = path;
        while (true)
        {
            if (positions.TryGetValue(probe, out var position))
            {
                return new DagProblem(File, position.Line, position.Column, path, message);
            }

            var cut = Math.Max(probe.LastIndexOf('.'), probe.LastIndexOf('['));
            if (cut <= 0)
            {
                return new DagProblem(File, 0, 0, path, message);
            }

            probe = probe[..cut];
        }
    }
}
