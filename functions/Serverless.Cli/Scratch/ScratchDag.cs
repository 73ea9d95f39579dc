using Serverless.Cli.Hosting;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;

namespace Serverless.Cli.Scratch;

/// <summary>
/// The DAG a test run executes: read from the user's DAG folder and validated here, cut down to the tasks the test
/// needs, and written as exported JSON into the run's own folder, which is all the scratch host loads.
/// </summary>
public static class ScratchDag
{
    /// <summary>The setting (and environment variable) that names a local DAG folder, as the host reads it.</summary>
    public const string DagFolderVariable = "Serverless__DagFolder";

    /// <summary>The sample DAG folder of a checkout, relative to the repository root.</summary>
    public const string SampleFolder = "orchestrations/dags";

    /// <summary>Finds the DAG folder: the option, else <see cref="DagFolderVariable"/>, else <see cref="SampleFolder"/> of the checkout the CLI runs in.</summary>
    /// <param name="option">The <c>--dags</c> value, or null.</param>
    /// <param name="variables">Reads an environment variable.</param>
    /// <returns>The folder's full path.</returns>
    /// <exception cref="CliException">No folder is given or found, or it does not exist.</exception>
    public static string FindFolder(string? option, Func<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var folder = option is { Length: > 0 } ? option
            : variables(DagFolderVariable) is { Length: > 0 } configured ? configured
            : ScratchStorage.FindRepository(Directory.GetCurrentDirectory()) is { } repository ? Path.Combine(repository, SampleFolder)
            : throw new CliException($"No DAG folder: pass --dags <folder> or set {DagFolderVariable}.");
        return Directory.Exists(folder) ? Path.GetFullPath(folder) : throw new CliException($"The DAG folder '{folder}' does not exist.");
    }

    /// <summary>Loads a DAG by id from a folder; a DAG with problems is refused, listing every one.</summary>
    /// <param name="folder">The DAG folder.</param>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The DAG.</returns>
    /// <exception cref="CliException">No such DAG, or it is invalid.</exception>
    public static async Task<DagDefinition> LoadAsync(string folder, string dagId, CancellationToken cancellationToken)
    {
        var results = await new DagFolderSource(folder).LoadAsync(cancellationToken).ConfigureAwait(false);
        var match = results.Where(r => string.Equals(r.Dag?.Id, dagId, StringComparison.Ordinal)).ToList();
        if (match.Count == 0)
        {
            var known = results.Select(r => r.Dag?.Id).OfType<string>().Order(StringComparer.Ordinal).ToList();
            throw new CliException($"No DAG '{dagId}' in {folder}{(known.Count == 0 ? " (it has no DAG files)." : $"; its DAGs: {string.Join(", ", known)}.")}");
        }

        var problems = match.SelectMany(r => r.Problems.Select(p => $"  {Path.Combine(folder, p.File ?? r.FileName)}:{p.Line}:{p.Column}: {p.Message}")).ToList();
        if (problems.Count > 0 || match[0].Dag is not { } dag)
        {
            throw new CliException($"DAG '{dagId}' has problems; fix them first (dags validate <file> lists them too):\n{string.Join('\n', problems)}");
        }

        return dag;
    }

    /// <summary>Cuts a DAG down to one task and everything upstream of it, in the declared order.</summary>
    /// <param name="dag">The DAG.</param>
    /// <param name="taskId">The task.</param>
    /// <returns>The smaller DAG (same id, params and settings).</returns>
    /// <exception cref="CliException">The DAG has no such task.</exception>
    public static DagDefinition UpTo(DagDefinition dag, string taskId)
    {
        ArgumentNullException.ThrowIfNull(dag);
        if (dag.FindTask(taskId) is null)
        {
            throw new CliException($"DAG '{dag.Id}' has no task '{taskId}'; its tasks: {string.Join(", ", dag.Tasks.Select(t => t.Id))}.");
        }

        var keep = new HashSet<string>(new DagGraph(dag).AncestorsOf(taskId), StringComparer.Ordinal) { taskId };
        return dag with { Tasks = [.. dag.Tasks.Where(t => keep.Contains(t.Id))] };
    }

    /// <summary>Writes the DAG as exported JSON into the folder the scratch host loads, after checking that it loads back clean.</summary>
    /// <param name="dag">The DAG.</param>
    /// <param name="folder">The run's folder.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="CliException">The cut DAG does not validate (for example a branch naming a task it no longer has).</exception>
    public static async Task WriteAsync(DagDefinition dag, string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dag);
        var json = DagJsonExporter.Export(dag);
        var fileName = dag.Id + ".json";
        var check = DagFileLoader.Load(json, fileName);
        if (!check.IsValid)
        {
            throw new CliException($"DAG '{dag.Id}' cut down for the test does not validate:\n{string.Join('\n', check.Problems.Select(p => $"  {p.Path}: {p.Message}"))}");
        }

        await File.WriteAllTextAsync(Path.Combine(folder, fileName), json, cancellationToken).ConfigureAwait(false);
    }
}
