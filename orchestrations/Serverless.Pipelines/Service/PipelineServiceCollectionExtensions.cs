using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Notifications;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Orchestration;
using Serverless.Spark.Activities;
using Serverless.Spark.Hosting;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Service;

/// <summary>Registers the DAG layer in a service collection.</summary>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the DAG layer with settings from configuration: the <c>Serverless</c> section
    /// (<c>Serverless__DagContainer</c>, <c>Serverless__DagFolder</c>) and, through
    /// <see cref="SparkServiceCollectionExtensions.AddSparkJobs(IServiceCollection, IConfiguration)"/>, the
    /// <c>Spark</c> section. The host still registers a <see cref="Storage.Connection.StorageAccount"/> and calls
    /// registers the durable worker with <see cref="AddPipelineTasks"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The root configuration.</param>
    /// <param name="configure">Further settings in code, or <see langword="null"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPipelines(this IServiceCollection services, IConfiguration configuration, Action<PipelineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSparkJobs(configuration);
        services.AddNotificationSettings(configuration);
        services.AddOptions<TemplateVariableOptions>().Bind(configuration.GetSection(PipelineOptions.SectionName));
        return services.AddPipelines(options =>
        {
            configuration.GetSection(PipelineOptions.SectionName).Bind(options);
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Registers the DAG layer with settings set in code: the <see cref="DagCatalog"/>, <see cref="IDagRunService"/>,
    /// and the <see cref="DagRunServiceFactory"/>. Register the Spark layer (<c>AddSparkJobs</c>), a
    /// <see cref="Storage.Connection.StorageAccount"/> and the tasks (<see cref="AddPipelineTasks"/>) as well.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPipelines(this IServiceCollection services, Action<PipelineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PipelineOptions>().Configure(configure);
        services.AddOptions<SparkOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddNotifications();
        services.AddOptions<TemplateVariableOptions>();
        services.TryAddSingleton<TemplateVariables>();
        services.TryAddSingleton<ISparkTextRedactor>(sp => sp.GetRequiredService<TemplateVariables>());
        services.TryAddSingleton<DagCatalog>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, DagCatalogWatcher>());
        services.TryAddSingleton<DagRunStarter>();
        services.TryAddSingleton(sp => new RunIndexStore(sp.GetRequiredService<Storage.Connection.StorageAccount>(), sp.GetRequiredService<IOptions<PipelineOptions>>().Value.RunIndexTable));
        services.TryAddSingleton<IDagRunServiceFactory, DagRunServiceFactory>();
        services.TryAddSingleton(sp => JobWatcher(sp));
        services.TryAddSingleton(sp => new Pools.PoolOccupancy(sp.GetRequiredService<Storage.Connection.StorageAccount>(), PipelineResourceNames.SlotTable, sp.GetRequiredService<IOptions<PipelineOptions>>().Value.Pools));
        return services;
    }

    /// <summary>
    /// Registers the DAG layer's orchestrators and activities (and the Spark activities) with a durable worker: the
    /// same classes in the Functions app (<c>ConfigureDurableWorker().AddTasks</c>) and in the local host.
    /// </summary>
    /// <param name="registry">The worker's task registry.</param>
    /// <returns>The registry.</returns>
    public static DurableTaskRegistry AddPipelineTasks(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .AddOrchestrator<DagRunOrchestrator>()
            .AddOrchestrator<DagBackfillOrchestrator>()
            .AddOrchestrator<MappedTaskOrchestrator>()
            .AddActivity<StartTaskJob>()
            .AddActivity<StartTaskJobs>()
            .AddActivity<CheckBlobExists>()
            .AddActivity<ReadTaskRows>()
            .AddActivity<ReadTaskValues>()
            .AddActivity<ReadTemplateVariables>()
            .AddActivity<WriteRunManifest>()
            .AddActivity<DeliverNotification>()
            .AddActivity<RecordNotificationDeadLetter>()
            .AddActivity<AcquireRunSlot>()
            .AddActivity<ReleaseRunSlot>()
            .AddActivity<AcquirePoolSlot>()
            .AddActivity<ReleasePoolSlot>()
            .AddSparkActivities();
    }

    // Created by the options, so the settings of Serverless__JobWatch reach it.
    private static SparkJobWatcher JobWatcher(IServiceProvider services)
    {
        var watch = services.GetRequiredService<IOptions<PipelineOptions>>().Value.JobWatch;
        return new SparkJobWatcher(services.GetRequiredService<Spark.SparkJobClient>(), watch.Schedule(), watch.MaxJobs, watch.MaxWatchTime, watch.MaxParallelReads, services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SparkJobWatcher>>());
    }
}
