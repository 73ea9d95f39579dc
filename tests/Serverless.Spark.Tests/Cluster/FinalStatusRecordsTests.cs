using Serverless.Spark.Jobs;
using Serverless.Spark.Records;
using Serverless.Storage.Connection;
using Serverless.Testing;

namespace Serverless.Spark.Tests.Cluster;

[Collection(AzuriteCollection.Name)]
public sealed class FinalStatusRecordsTests
{
    private readonly SparkJobRecordStore store;
    private readonly FinalStatusRecords finals;

    public FinalStatusRecordsTests(AzuriteFixture azurite)
    {
        StorageAccount account = azurite.CreateAccount();
        this.store = new SparkJobRecordStore(account);
        this.finals = new FinalStatusRecords(this.store, "livy");
    }

    [Fact]
    public async Task KeepFirstAsync_TwoDifferentFinalStates_TheFirstStaysForEveryLaterRead()
    {
        SparkJobHandle handle = await this.RecordedJobAsync("7");

        SparkJobStatus first = await this.finals.KeepFirstAsync(handle, new SparkJobStatus("7", SparkJobState.Succeeded) { Message = "done", AppId = "application_1" }, CancellationToken.None);
        SparkJobStatus second = await this.finals.KeepFirstAsync(handle, new SparkJobStatus("7", SparkJobState.Cancelled) { Message = "deleted" }, CancellationToken.None);
        SparkJobStatus? stored = FinalStatusRecords.Stored(await this.finals.GetAsync(handle, CancellationToken.None), "7");

        Assert.Equal(SparkJobState.Succeeded, first.State);
        Assert.Equal(SparkJobState.Succeeded, second.State);
        Assert.Equal("done", second.Message);
        Assert.Equal(SparkJobState.Succeeded, stored!.State);
        Assert.Equal("application_1", stored.AppId);
    }

    [Fact]
    public async Task KeepFirstAsync_LostOrNotFinal_IsNotStored()
    {
        SparkJobHandle handle = await this.RecordedJobAsync("8");

        await this.finals.KeepFirstAsync(handle, new SparkJobStatus("8", SparkJobState.Lost), CancellationToken.None);
        await this.finals.KeepFirstAsync(handle, new SparkJobStatus("8", SparkJobState.Running), CancellationToken.None);

        Assert.Null(FinalStatusRecords.Stored(await this.finals.GetAsync(handle, CancellationToken.None), "8"));
    }

    [Fact]
    public async Task Stored_RecordOfAnotherJobOfTheSameKey_DoesNotAnswer()
    {
        SparkJobHandle handle = await this.RecordedJobAsync("9");
        await this.finals.KeepFirstAsync(handle, new SparkJobStatus("9", SparkJobState.Failed), CancellationToken.None);

        Assert.Null(FinalStatusRecords.Stored(await this.finals.GetAsync(handle, CancellationToken.None), "10"));
    }

    [Fact]
    public async Task KeepFirstAsync_HugeLogAndTrace_IsShortenedToFitOneTableProperty()
    {
        SparkJobHandle handle = await this.RecordedJobAsync("11");
        var status = new SparkJobStatus("11", SparkJobState.Failed)
        {
            LogTail = [.. Enumerable.Range(0, 500).Select(i => $"line {i} " + new string('x', 5_000))],
            ErrorTrace = new string('t', 100_000),
        };

        SparkJobStatus kept = await this.finals.KeepFirstAsync(handle, status, CancellationToken.None);
        SparkJobStatus? stored = FinalStatusRecords.Stored(await this.finals.GetAsync(handle, CancellationToken.None), "11");

        // The newest lines survive; a table string property holds at most 32K characters.
        Assert.InRange(stored!.LogTail.Count, 10, 50);
        Assert.StartsWith("line 499 ", stored.LogTail[^1], StringComparison.Ordinal);
        Assert.True(stored.LogTail.All(l => l.Length <= 501));
        Assert.Equal(4_001, stored.ErrorTrace!.Length);
        Assert.Equal(kept.LogTail, stored.LogTail);
    }

    private async Task<SparkJobHandle> RecordedJobAsync(string jobId)
    {
        string key = AzuriteFixture.UniqueName("k");
        Assert.True(await this.store.TryAddAsync(new SparkJobRecord { PartitionKey = "livy", RowKey = key, JobId = jobId, State = nameof(SparkJobState.Pending) }, CancellationToken.None));
        return new SparkJobHandle("livy", jobId, key);
    }
}
