using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Serverless.Spark.Hosting;

namespace Serverless.Spark.Http;

/// <summary>
/// The resilience pipeline of cluster backend clients: a total timeout, retries with exponential back-off and jitter
/// on 408, 429, 5xx and network errors (honouring Retry-After), and a per-attempt timeout. A request that may create
/// something (a POST without an idempotency token) is retried only on 429, when the server said it did nothing.
/// </summary>
public static class SparkHttpResilience
{
    /// <summary>Marks a request as safe to retry on any transient failure (reads, deletes, idempotent submits).</summary>
    public static readonly HttpRequestOptionsKey<bool> RetryAnyTransient = new("Serverless.Spark.RetryAnyTransient");

    /// <summary>Adds the pipeline to a client.</summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="options">The HTTP settings.</param>
    /// <returns>The builder.</returns>
    public static IHttpClientBuilder AddSparkResilience(this IHttpClientBuilder builder, SparkHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.AddResilienceHandler("spark", pipeline =>
        {
            pipeline.AddTimeout(options.TotalTimeout);
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
            });
            pipeline.AddTimeout(options.AttemptTimeout);
        });
        return builder;
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        if (!HttpClientResiliencePredicates.IsTransient(outcome))
        {
            return false;
        }

        HttpRequestMessage? request = outcome.Result?.RequestMessage ?? context.GetRequestMessage();
        bool safe = request is not null &&
            (request.Method == HttpMethod.Get || request.Method == HttpMethod.Delete ||
             (request.Options.TryGetValue(RetryAnyTransient, out bool marked) && marked));
        return safe || outcome.Result?.StatusCode == System.Net.HttpStatusCode.TooManyRequests;
    }
}
