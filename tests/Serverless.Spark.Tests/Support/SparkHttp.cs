using Microsoft.Extensions.DependencyInjection;
using Serverless.Spark.Hosting;
using Serverless.Spark.Http;

namespace Serverless.Spark.Tests.Support;

/// <summary>HTTP clients with the production resilience pipeline and fast test timings.</summary>
internal static class SparkHttp
{
    public static SparkHttpOptions Fast => new()
    {
        MaxRetries = 3,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = TimeSpan.FromSeconds(1),
        TotalTimeout = TimeSpan.FromSeconds(10),
    };

    public static HttpClient Create(string name)
    {
        var services = new ServiceCollection();
        services.AddHttpClient(name).AddSparkResilience(Fast);
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient(name);
    }
}
