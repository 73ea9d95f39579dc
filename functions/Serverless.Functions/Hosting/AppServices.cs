using Serverless.Functions.Api;
using Serverless.Pipelines.Service;

namespace Serverless.Functions.Hosting;

/// <summary>
/// The app's services, registered the same way by the Functions worker (Program.cs) and the local host, so both run
/// the same function classes on the same services.
/// </summary>
public static class AppServices
{
    /// <summary>The DAG folder bundled with the app (the samples), relative to the app's directory.</summary>
    public const string BundledDagFolder = "dags";

    /// <summary>The repository's DAG folder, relative to the repository root: the local host's default when run from a clone.</summary>
    public static readonly string RepositoryDagFolder = Path.Combine("orchestrations", "dags");

    /// <summary>
    /// Gets the DAG folder of a local host with none configured: the repository's <c>orchestrations/dags</c> when the
    /// host runs from a clone (found from the current directory, then the app's own, upwards), so a file dropped there
    /// is loaded; otherwise the samples copied next to the app; <see langword="null"/> when neither exists.
    /// </summary>
    /// <returns>The folder, or <see langword="null"/>.</returns>
    public static string? DefaultLocalDagFolder()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                // The solution file tells a clone of this repository from any folder that happens to have orchestrations/dags.
                var dags = Path.Combine(directory.FullName, RepositoryDagFolder);
                if (File.Exists(Path.Combine(directory.FullName, "Serverless.sln")) && Directory.Exists(dags))
                {
                    return dags;
                }
            }
        }

        var bundled = Path.Combine(AppContext.BaseDirectory, BundledDagFolder);
        return Directory.Exists(bundled) ? bundled : null;
    }

    /// <summary>Registers the services.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="useBundledDags">Whether a local DAG folder (<see cref="DefaultLocalDagFolder"/>) is the source when none is configured (local host); in Azure the deployed container is the source.</param>
    public static void Add(IServiceCollection services, IConfiguration configuration, bool useBundledDags)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<ServerlessOptions>(configuration.GetSection(ServerlessOptions.SectionName));
        services.AddSingleton(ApiKeyCheck.FromConfiguration(configuration));
        services.AddSingleton<ApiGate>();
        services.AddSingleton<StorageHealth>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => StorageSettings.CreateAccount(configuration));
        services.AddPipelines(configuration, options =>
        {
            var hub = new ServerlessOptions();
            configuration.GetSection(ServerlessOptions.SectionName).Bind(hub);
            if (configuration[$"{ServerlessOptions.SectionName}:{nameof(PipelineOptions.RunIndexTable)}"] is null)
            {
                options.RunIndexTable = PipelineResourceNames.RunIndexTableOf(hub.TaskHub);
            }

            if (string.IsNullOrWhiteSpace(options.DagFolder))
            {
                options.DagFolder = useBundledDags ? DefaultLocalDagFolder() : null;
            }
        });
        services.AddHostedService<StartupWarmup>();
        AppTelemetry.Add(services, configuration);
    }
}
