using Serverless.Spark.Backends;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Tests.Jobs;

/// <summary>The job client masks secrets in every worded part of a status, for every backend.</summary>
public sealed class SparkJobClientRedactionTests
{
    [Fact]
    public async Task GetStatusAsync_StatusQuotesASecret_MaskedInMessageErrorTraceAndLog()
    {
        var client = new SparkJobClient(new QuotingBackend(), new SparkJobSpecValidator("data", new Uri("http://127.0.0.1:10000/devstoreaccount1")), null, new Redactor("pw-123"));

        var status = await client.GetStatusAsync(new SparkJobHandle("quoting", "j1", "k1"));

        Assert.Equal("failed near '***'", status.Message);
        Assert.Equal("AnalysisException: ***", status.Error);
        Assert.Equal("at line 1: SELECT '***'", status.ErrorTrace);
        Assert.Equal(["ok", "statement: SELECT '***'"], status.LogTail);
    }

    private sealed class Redactor(string secret) : ISparkTextRedactor
    {
        public string? Redact(string? text) => text?.Replace(secret, "***", StringComparison.Ordinal);
    }

    private sealed class QuotingBackend : ISparkBackend
    {
        public string Name => "quoting";

        public IReadOnlyCollection<SparkJobKind> SupportedKinds { get; } = [SparkJobKind.Sql];

        public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SparkJobHandle(Name, "j1", idempotencyKey));

        public Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SparkJobStatus(handle.JobId, SparkJobState.Failed)
            {
                Message = "failed near 'pw-123'",
                Error = "AnalysisException: pw-123",
                ErrorTrace = "at line 1: SELECT 'pw-123'",
                LogTail = ["ok", "statement: SELECT 'pw-123'"],
            });

        public Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SparkJobStatus(handle.JobId, SparkJobState.Cancelled));
    }
}
