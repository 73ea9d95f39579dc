using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Spark.Backends;
using Serverless.Spark.Backends.Databricks;
using Serverless.Spark.Backends.Livy;
using Serverless.Spark.Backends.Local;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Storage.Connection;

namespace Serverless.Spark.Hosting;

/// <summary>Registers the Spark job layer in a service collection.</summary>
public static class SparkServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Spark job layer with settings from the <c>Spark</c> section of <paramref name="configuration"/>
    /// (app settings <c>Spark__Backend</c>, <c>Spark__Local__MaxConcurrentJobs</c>, …) and the named connections of
    /// <see cref="SparkConnections.SectionName"/>. Needs a
    /// <see cref="StorageAccount"/> singleton; Synapse (and Databricks without a token) use a registered
    /// <see cref="TokenCredential"/>, or <see cref="DefaultAzureCredential"/> when none is registered.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The root configuration.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSparkJobs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        void Configure(SparkOptions options) => configuration.GetSection(SparkOptions.SectionName).Bind(options);
        services.TryAddSingleton(new SparkConnections(configuration.GetSection(SparkConnections.SectionName), Configure));
        return services.AddSparkJobs(Configure);
    }

    /// <summary>Registers the Spark job layer with settings set in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSparkJobs(this IServiceCollection services, Action<SparkOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SparkOptions>().Configure(configure);
        var probe = new SparkOptions();
        configure(probe);
        services.AddHttpClient(SparkHttpClientNames.Livy).AddSparkResilience(probe.Http);
        services.AddHttpClient(SparkHttpClientNames.Synapse).AddSparkResilience(probe.Http);
        services.AddHttpClient(SparkHttpClientNames.Databricks).AddSparkResilience(probe.Http);
        services.TryAddSingleton<ISparkBackend>(sp => CreateBackend(sp, sp.GetRequiredService<IOptions<SparkOptions>>().Value.Backend));
        services.TryAddSingleton(sp =>
        {
            SparkOptions options = sp.GetRequiredService<IOptions<SparkOptions>>().Value;
            return new SparkJobSpecValidator(options.DataContainer, sp.GetRequiredService<StorageAccount>().Blobs.Uri);
        });
        services.TryAddSingleton(new SparkConnections(null, configure));
        services.TryAddSingleton<OtherSparkBackends>();
        services.TryAddSingleton<Diagnostics.TaskAttemptLog>();
        services.TryAddSingleton(sp => new SparkJobClient(
            sp.GetRequiredService<ISparkBackend>(),
            sp.GetRequiredService<SparkJobSpecValidator>(),
            sp.GetRequiredService<OtherSparkBackends>().Create,
            sp.GetService<ISparkTextRedactor>()));
        return services;
    }

    /// <summary>Creates a backend by name from the options, or the backend of a named connection (<see cref="SparkConnections"/>).</summary>
    /// <param name="services">The service provider.</param>
    /// <param name="backend">The backend or connection name.</param>
    /// <returns>The backend.</returns>
    internal static ISparkBackend CreateBackend(IServiceProvider services, string backend)
    {
        string name = backend.Trim().ToLowerInvariant();
        if (!SparkBackendNames.All.Contains(name) && services.GetService<SparkConnections>() is { } connections
            && connections.TryFind(name, out string kind, out SparkOptions connectionOptions))
        {
            return new SparkConnectionBackend(name, CreateBackend(services, kind, connectionOptions));
        }

        return CreateBackend(services, backend, services.GetRequiredService<IOptions<SparkOptions>>().Value);
    }

    private static ISparkBackend CreateBackend(IServiceProvider services, string backend, SparkOptions options)
    {
        StorageAccount account = services.GetRequiredService<StorageAccount>();
        IHttpClientFactory http = services.GetRequiredService<IHttpClientFactory>();
        ILoggerFactory logs = services.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        TokenCredential Credential() => services.GetService<TokenCredential>() ?? new DefaultAzureCredential();
        return backend.Trim().ToLowerInvariant() switch
        {
            SparkBackendNames.Local => new LocalSparkBackend(account, options.Local, logs.CreateLogger<LocalSparkBackend>(), services.GetService<ISparkTextRedactor>()),
            SparkBackendNames.Livy => new LivySparkBackend(http.CreateClient(SparkHttpClientNames.Livy), account, options.Livy, options.ClusterPathTemplate, logs.CreateLogger<LivySparkBackend>()),
            SparkBackendNames.Synapse => new SynapseSparkBackend(http.CreateClient(SparkHttpClientNames.Synapse), account, options.Synapse, options.ClusterPathTemplate, Credential(), logs.CreateLogger<SynapseSparkBackend>()),
            SparkBackendNames.Databricks => new DatabricksSparkBackend(
                http.CreateClient(SparkHttpClientNames.Databricks),
                account,
                options.Databricks,
                options.ClusterPathTemplate,
                options.Databricks.Token is null ? Credential() : null,
                logs.CreateLogger<DatabricksSparkBackend>()),
            _ => throw new InvalidOperationException(
                $"Spark backend or connection '{backend}' is unknown: use local, livy, synapse or databricks, or configure a connection with Serverless__Connections__{backend}__Backend."),
        };
    }
}
