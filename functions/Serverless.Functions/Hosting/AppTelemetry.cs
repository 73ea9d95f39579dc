using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serverless.Pipelines.Diagnostics;
using Serverless.Spark.Diagnostics;

namespace Serverless.Functions.Hosting;

/// <summary>
/// Exports the traces and metrics of the <c>Serverless.Pipelines</c> and <c>Serverless.Spark</c> sources with
/// OpenTelemetry: to Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, to an OTLP collector when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard <c>OTEL_EXPORTER_OTLP_*</c> variables apply), to the console
/// when <c>Serverless__Telemetry__Console</c> is <c>true</c>. Nothing is exported (and nothing is collected) by default.
/// </summary>
public static class AppTelemetry
{
    /// <summary>The setting that prints spans and metrics on the console.</summary>
    public const string ConsoleSetting = "Serverless:Telemetry:Console";

    /// <summary>The Azure Monitor connection string variable (the Functions host's own).</summary>
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The OTLP endpoint variable of the OpenTelemetry specification.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name when <c>OTEL_SERVICE_NAME</c> is not set.</summary>
    public const string DefaultServiceName = "serverless";

    /// <summary>Gets whether any exporter is configured.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns><see langword="true"/> when traces and metrics are exported somewhere.</returns>
    public static bool IsEnabled(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting])
            || !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting])
            || configuration.GetValue<bool>(ConsoleSetting);
    }

    /// <summary>Registers the exporters the configuration asks for, if any.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration (environment variables included).</param>
    /// <returns>Whether any exporter was registered.</returns>
    public static bool Add(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var azureMonitor = configuration[AzureMonitorSetting];
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        var console = configuration.GetValue<bool>(ConsoleSetting);
        if (!IsEnabled(configuration))
        {
            return false;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? DefaultServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(PipelineTelemetry.Name, SparkTelemetry.Name);
                if (!string.IsNullOrWhiteSpace(azureMonitor))
                {
                    tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = azureMonitor);
                }

                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }

                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(PipelineTelemetry.Name, SparkTelemetry.Name);
                if (!string.IsNullOrWhiteSpace(azureMonitor))
                {
                    metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = azureMonitor);
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }

                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            });
        return true;
    }
}
