using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Hosting;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Spark.Records;
using Serverless.Storage.Connection;

namespace Serverless.Spark.Backends.Livy;

/// <summary>
/// Synapse Spark pools through the Synapse batch API of the 2020-12-01 data-plane spec (<c>sparkJob.json</c>):
/// <c>{endpoint}/livyApi/versions/{livyApiVersion}/sparkPools/{pool}/batches</c> with Entra ID tokens for
/// <c>https://dev.azuresynapse.net/.default</c>. Reads and submits ask for <c>detailed=true</c>, so <c>result</c>,
/// <c>schedulerInfo</c>, <c>livyInfo</c> and <c>errorInfo</c> are mapped; the list is paged by at most 20 (the spec's
/// maximum). Idempotency works as for Livy; Synapse keeps a cancelled batch, so its cancel reads the outcome back.
/// </summary>
public sealed class SynapseSparkBackend : ISparkBackend, ISparkJobStatusProbe
{
    /// <summary>The token scope of the Synapse data plane.</summary>
    public const string Scope = "https://dev.azuresynapse.net/.default";

    /// <summary>The largest page of <c>GET /batches</c> the spec allows ("By default it is 20 and that is the maximum").</summary>
    public const int MaxPageSize = 20;

    private readonly LivyBatchProtocol protocol;
    private readonly ILogger logger;
    private readonly TokenCache tokens;

    /// <summary>Initializes a new instance of the <see cref="SynapseSparkBackend"/> class.</summary>
    /// <param name="http">An HTTP client from the factory (<see cref="SparkHttpClientNames.Synapse"/>).</param>
    /// <param name="account">The storage account.</param>
    /// <param name="options">The Synapse settings.</param>
    /// <param name="clusterPathTemplate">How the pool addresses blobs.</param>
    /// <param name="credential">The Entra ID credential (managed identity in Azure).</param>
    /// <param name="logger">The logger.</param>
    public SynapseSparkBackend(HttpClient http, StorageAccount account, SynapseSparkOptions options, string clusterPathTemplate, TokenCredential credential, ILogger<SynapseSparkBackend>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        Uri endpoint = options.Endpoint ?? throw new InvalidOperationException("Spark:Synapse:Endpoint is not set.");
        string pool = options.SparkPool ?? throw new InvalidOperationException("Spark:Synapse:SparkPool is not set.");
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        this.tokens = new TokenCache(credential, Scope);
        var redactor = new SecretRedactor();
        var rest = new SparkRestClient(
            http,
            "Synapse",
            async (request, ct) => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await this.tokens.GetAsync(ct).ConfigureAwait(false)),
            redactor);
        this.protocol = new LivyBatchProtocol(
            rest,
            new Uri($"{endpoint.AbsoluteUri.TrimEnd('/')}/livyApi/versions/{Uri.EscapeDataString(options.ApiVersion)}/sparkPools/{Uri.EscapeDataString(pool)}/batches"),
            new LivyDialect
            {
                Service = "Synapse",
                ReadQuery = "detailed=true",
                PageSize = MaxPageSize,

                // The spec's SparkBatchJob has `name`; its batch path takes an integer id only, so lookups page the list.
                NamesSupported = true,
                ReadsByName = false,
                KeepsCancelledBatches = true,
                LogTailLines = 0,
            },
            this.Name,
            new SparkJobRecordStore(account),
            new ClusterJobStaging(account, clusterPathTemplate),
            redactor,
            this.logger);
    }

    /// <inheritdoc/>
    public string Name => SparkBackendNames.Synapse;

    /// <inheritdoc/>
    public IReadOnlyCollection<SparkJobKind> SupportedKinds { get; } = [SparkJobKind.Sql, SparkJobKind.PySpark, SparkJobKind.Jar];

    /// <inheritdoc/>
    public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        SparkIdempotencyKey.ThrowIfInvalid(idempotencyKey);
        List<string> unsupported = [];
        if (spec.ProxyUser is not null)
        {
            unsupported.Add("proxyUser: SparkBatchJobOptions has no such field; jobs run as the workspace identity.");
        }

        if (spec.Queue is not null)
        {
            unsupported.Add("queue: SparkBatchJobOptions has no such field; a pool has no YARN queues to choose.");
        }

        if (unsupported.Count > 0)
        {
            throw new SparkJobValidationException([.. unsupported.Select(u => "Synapse does not support " + u)]);
        }

        return this.protocol.StartJobAsync(
            spec,
            idempotencyKey,
            body => body["tags"] = new JsonObject { ["serverless-idempotency-key"] = idempotencyKey },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return this.protocol.GetStatusAsync(handle, Map, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> IsRunningAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return this.protocol.IsRunningAsync(handle, Map, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Logs.CancelRequested(this.logger, this.Name, handle.JobId);
        return this.protocol.CancelAsync(handle, Map, cancellationToken);
    }

    /// <summary>
    /// Maps a Synapse SparkBatchJob: a final <c>result</c> (Succeeded, Failed, Cancelled) decides; otherwise a final
    /// Livy state; otherwise a <c>Queued</c> scheduler means Pending and anything else follows the Livy state. The spec
    /// defines no meaning for <c>Uncertain</c> with an ended scheduler and a live Livy state, so that stays non-final
    /// (polled again) rather than guessed.
    /// </summary>
    /// <param name="id">The batch id.</param>
    /// <param name="job">The batch JSON.</param>
    /// <returns>The status.</returns>
    internal static SparkJobStatus Map(string id, JsonObject job)
    {
        string? result = job["result"]?.ToString();
        string? livyState = job["state"]?.ToString();
        string? scheduler = job["schedulerInfo"]?["currentState"]?.ToString();
        SparkJobState livy = LivyStates.Map(livyState);
        bool livyFinal = livy is SparkJobState.Succeeded or SparkJobState.Failed or SparkJobState.Cancelled;
        SparkJobState state = result switch
        {
            "Succeeded" => SparkJobState.Succeeded,
            "Failed" => SparkJobState.Failed,
            "Cancelled" => SparkJobState.Cancelled,
            _ when livyFinal => livy,
            _ when scheduler == "Queued" => SparkJobState.Pending,
            _ => livy,
        };
        string errors = job["errorInfo"] is JsonArray info
            ? string.Join(" ", info.Select(e => $"{e?["errorCode"]}: {e?["message"]}"))
            : string.Empty;
        var status = new SparkJobStatus(id, state)
        {
            Message = errors.Length > 0 ? errors : $"Synapse result '{result}', scheduler '{scheduler}', state '{livyState}'.",
            Error = errors.Length > 0 ? errors : null,
            ClusterState = $"result={result} scheduler={scheduler} state={livyState}",
            LogTail = job["log"] is JsonArray lines ? [.. lines.Select(l => l?.ToString() ?? string.Empty)] : [],
            Timestamps = Timestamps(job),
        };
        return LivyBatchProtocol.WithAppInfo(job, status);
    }

    private static Dictionary<string, DateTimeOffset> Timestamps(JsonObject job)
    {
        var times = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (string part in (string[])["livyInfo", "schedulerInfo"])
        {
            if (job[part] is not JsonObject info)
            {
                continue;
            }

            foreach ((string name, JsonNode? value) in info)
            {
                if (name.EndsWith("At", StringComparison.Ordinal) &&
                    value is JsonValue v && v.TryGetValue(out string? text) &&
                    DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
                {
                    times[$"{part}.{name}"] = at;
                }
            }
        }

        return times;
    }
}
