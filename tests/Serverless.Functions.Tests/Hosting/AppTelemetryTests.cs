using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Tests.Hosting;

/// <summary>Which exporters the settings turn on: none by default, OTLP and console when asked.</summary>
public sealed class AppTelemetryTests
{
    [Fact]
    public void Add_NothingConfigured_RegistersNoTracerOrMeter()
    {
        var services = new ServiceCollection();

        Assert.False(AppTelemetry.Add(services, new ConfigurationBuilder().Build()));
        using var provider = services.BuildServiceProvider();
        Assert.Null(provider.GetService<TracerProvider>());
        Assert.Null(provider.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData(AppTelemetry.OtlpEndpointSetting, "http://127.0.0.1:4317")]
    [InlineData(AppTelemetry.ConsoleSetting, "true")]
    public void Add_ExporterConfigured_RegistersTracerAndMeter(string setting, string value)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [setting] = value }).Build();

        Assert.True(AppTelemetry.Add(services, configuration));
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetService<TracerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
    }
}
