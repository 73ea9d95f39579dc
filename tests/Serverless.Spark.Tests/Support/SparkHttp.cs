using Azure.Core;
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

/// <summary>A credential that hands out a fixed token and records the scopes asked for.</summary>
internal sealed class FakeTokenCredential(string token) : TokenCredential
{
    public List<string> Scopes { get; } = [];

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        this.Scopes.AddRange(requestContext.Scopes);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(this.GetToken(requestContext, cancellationToken));
}
