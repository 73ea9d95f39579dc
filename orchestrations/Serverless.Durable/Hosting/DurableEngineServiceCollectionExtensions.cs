using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Durable.Client;
using Serverless.Durable.Worker;
using Serverless.Storage.Connection;

namespace Serverless.Durable.Hosting;

/// <summary>Registers the durable engine with dependency injection.</summary>
public static class DurableEngineServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine: a <see cref="DurableTaskClient"/> and a <see cref="DurableTaskWorker"/> (also as a
    /// hosted service) on the <see cref="StorageAccount"/> registered in the container.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddDurableEngine(this IServiceCollection services, Action<DurableEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<DurableEngineOptions> options = services.AddOptions<DurableEngineOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddOptions<DurableTaskRegistry>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new TaskHub(sp.GetRequiredService<StorageAccount>(), sp.GetRequiredService<IOptions<DurableEngineOptions>>().Value));
        services.TryAddSingleton(sp => new DurableTaskClient(sp.GetRequiredService<TaskHub>()));
        services.TryAddSingleton(sp => new DurableTaskWorker(
            sp.GetRequiredService<TaskHub>(),
            sp.GetRequiredService<IOptions<DurableTaskRegistry>>().Value,
            sp,
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<DurableTaskWorker>());
        return services;
    }

    /// <summary>Registers orchestrators and activities; may be called by several libraries.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adds tasks to the registry.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddDurableTasks(this IServiceCollection services, Action<DurableTaskRegistry> configure) =>
        services.Configure(configure);
}
