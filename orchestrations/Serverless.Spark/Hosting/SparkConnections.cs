using Microsoft.Extensions.Configuration;

namespace Serverless.Spark.Hosting;

/// <summary>
/// The named Spark connections of the app, from the <c>Serverless:Connections</c> section: app settings
/// <c>Serverless__Connections__NAME__Backend</c> (<c>local</c>, <c>livy</c>, <c>synapse</c> or <c>databricks</c>)
/// and, beside it, any setting of that backend's own section (<c>Spark__Synapse__Workspace</c> becomes
/// <c>Serverless__Connections__NAME__Workspace</c>), which overrides the app's value for this connection only.
/// A task chooses one with <c>connection: NAME</c>; its jobs' handles carry the connection name.
/// </summary>
/// <remarks>Credentials (a Databricks token, a Livy password) are app settings like the rest, so Key Vault references hold them in Azure.</remarks>
public sealed class SparkConnections
{
    /// <summary>The configuration section of the connections.</summary>
    public const string SectionName = "Serverless:Connections";

    private readonly Dictionary<string, IConfigurationSection> sections;
    private readonly Action<SparkOptions> appOptions;

    /// <summary>Initializes a new instance of the <see cref="SparkConnections"/> class.</summary>
    /// <param name="section">The <see cref="SectionName"/> section, or <see langword="null"/> for none.</param>
    /// <param name="appOptions">Sets the app's Spark options, which a connection starts from.</param>
    public SparkConnections(IConfigurationSection? section, Action<SparkOptions> appOptions)
    {
        ArgumentNullException.ThrowIfNull(appOptions);
        this.appOptions = appOptions;
        this.sections = (section?.GetChildren() ?? []).ToDictionary(c => c.Key, c => c, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets the connection names.</summary>
    public IReadOnlyCollection<string> Names => this.sections.Keys;

    /// <summary>Finds a connection.</summary>
    /// <param name="name">The connection name.</param>
    /// <param name="backend">The backend it uses (<see cref="SparkBackendNames"/>).</param>
    /// <param name="options">The app's Spark options with the connection's settings over its backend's section.</param>
    /// <returns><see langword="true"/> when the connection is configured.</returns>
    /// <exception cref="InvalidOperationException">The connection has no <c>Backend</c>, or names a connection.</exception>
    public bool TryFind(string name, out string backend, out SparkOptions options)
    {
        backend = string.Empty;
        options = new SparkOptions();
        if (!this.sections.TryGetValue(name, out IConfigurationSection? section))
        {
            return false;
        }

        backend = section["Backend"]?.Trim().ToLowerInvariant() ?? string.Empty;
        this.appOptions(options);
        object target = backend switch
        {
            SparkBackendNames.Local => options.Local,
            SparkBackendNames.Livy => options.Livy,
            SparkBackendNames.Synapse => options.Synapse,
            SparkBackendNames.Databricks => options.Databricks,
            _ => throw new InvalidOperationException(
                $"Spark connection '{name}' needs Serverless__Connections__{name}__Backend set to local, livy, synapse or databricks (it is '{section["Backend"]}')."),
        };
        section.Bind(target);
        return true;
    }
}
