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

    /// <summary>Registers the services.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="useBundledDags">Whether the samples shipped with the app are the DAG folder when none is configured (local host); in Azure the deployed container is the source.</param>
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
            if (string.IsNullOrWhiteSpace(options.DagFolder))
            {
                options.DagFolder = null;
                var bundled = Path.Combine(AppContext.BaseDirectory, BundledDagFolder);
                if (useBundledDags && Directory.Exists(bundled))
                {
                    options.DagFolder = bundled;
                }
            }
        });
        services.AddHostedService<StartupWarmup>();
    }
}
