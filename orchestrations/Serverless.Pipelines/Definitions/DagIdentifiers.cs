using System.Text.RegularExpressions;

namespace Serverless.Pipelines.Definitions;

/// <summary>
/// The patterns identifiers must match. DAG ids, task ids and output names become blob path segments and table
/// keys, so they are lower case ASCII without characters that need escaping anywhere ('/', '\', '#', '?', '.', ':').
/// </summary>
public static partial class DagIdentifiers
{
    /// <summary>The pattern of DAG ids: a lower-case letter, then up to 62 lower-case letters, digits, '_' or '-'.</summary>
    public const string DagIdPattern = "^[a-z][a-z0-9_-]{0,62}$";

    /// <summary>The pattern of task ids (as <see cref="DagIdPattern"/>).</summary>
    public const string TaskIdPattern = DagIdPattern;

    /// <summary>
    /// The pattern of output names: a lower-case letter, then up to 62 lower-case letters, digits or '_' — both a blob
    /// path segment and a SQL identifier (the Spark layer names outputs with SQL identifiers).
    /// </summary>
    public const string OutputNamePattern = "^[a-z][a-z0-9_]{0,62}$";

    /// <summary>The pattern of input names: a SQL identifier that needs no quoting in DuckDB or Spark SQL.</summary>
    public const string InputNamePattern = "^[A-Za-z_][A-Za-z0-9_]{0,62}$";

    /// <summary>The pattern of Spark connection names (as <see cref="DagIdPattern"/>): they are app setting keys, <c>Serverless__Connections__NAME__…</c>.</summary>
    public const string ConnectionNamePattern = DagIdPattern;

    /// <summary>The pattern of pool names (as <see cref="DagIdPattern"/>): they are app setting keys, <c>Serverless__Pools__NAME__Slots</c>, and part of a table key.</summary>
    public const string PoolNamePattern = DagIdPattern;

    /// <summary>The pattern of parameter names, map columns and external event names (as <see cref="InputNamePattern"/>).</summary>
    public const string ParamNamePattern = InputNamePattern;

    /// <summary>The pattern of blob container names, as Azure Storage defines them.</summary>
    public const string ContainerPattern = "^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$";

    /// <summary>Gets a value indicating whether a DAG id is valid.</summary>
    /// <param name="value">The candidate.</param>
    /// <returns><see langword="true"/> when it matches <see cref="DagIdPattern"/>.</returns>
    public static bool IsValidDagId(string? value) => value is not null && DagIdRegex().IsMatch(value);

    /// <summary>Gets a value indicating whether a task id is valid.</summary>
    /// <param name="value">The candidate.</param>
    /// <returns><see langword="true"/> when it matches <see cref="TaskIdPattern"/>.</returns>
    public static bool IsValidTaskId(string? value) => value is not null && DagIdRegex().IsMatch(value);

    /// <summary>Gets a value indicating whether an output name is valid.</summary>
    /// <param name="value">The candidate.</param>
    /// <returns><see langword="true"/> when it matches <see cref="OutputNamePattern"/>.</returns>
    public static bool IsValidOutputName(string? value) => value is not null && OutputNameRegex().IsMatch(value);

    /// <summary>Gets a value indicating whether an input, parameter, column or event name is valid.</summary>
    /// <param name="value">The candidate.</param>
    /// <returns><see langword="true"/> when it matches <see cref="InputNamePattern"/>.</returns>
    public static bool IsValidName(string? value) => value is not null && NameRegex().IsMatch(value);

    /// <summary>Gets a value indicating whether a blob container name is valid.</summary>
    /// <param name="value">The candidate.</param>
    /// <returns><see langword="true"/> when it matches <see cref="ContainerPattern"/>.</returns>
    public static bool IsValidContainer(string? value) => value is not null && ContainerRegex().IsMatch(value);

    [GeneratedRegex(DagIdPattern, RegexOptions.CultureInvariant)]
    private static partial Regex DagIdRegex();

    [GeneratedRegex(OutputNamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex OutputNameRegex();

    [GeneratedRegex(InputNamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    [GeneratedRegex(ContainerPattern, RegexOptions.CultureInvariant)]
    private static partial Regex ContainerRegex();
}
