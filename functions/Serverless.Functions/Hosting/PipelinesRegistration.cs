using Serverless.Pipelines.Service;

namespace Serverless.Functions.Hosting;

/// <summary>Registers the DAG layer (catalog, orchestrator, run service, Spark jobs) for the app's settings.</summary>
public static class PipelinesRegistration
{
    /// <summary>The folder, next to the executable, the sample DAGs are copied to at build.</summary>
    public const string BundledDagFolder = "dags";

    /// <summary>Adds the DAG layer.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="mode">The hosting mode.</param>
    public static void Add(IServiceCollection services, IConfiguration configuration, HostingMode mode)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPipelines(configuration, options =>
        {
            if (string.IsNullOrWhiteSpace(options.DagFolder))
            {
                options.DagFolder = null;

                // Standalone without a DAG folder: the samples shipped with the app. Under the Functions host the
                // deployed container is the source.
                var bundled = Path.Combine(AppContext.BaseDirectory, BundledDagFolder);
                if (mode == HostingMode.Standalone && Directory.Exists(bundled))
                {
                    options.DagFolder = bundled;
                }
            }
        });
        services.AddHostedService<StartupWarmup>();
    }
}
