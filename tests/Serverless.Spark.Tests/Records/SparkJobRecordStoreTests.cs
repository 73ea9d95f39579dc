using Serverless.Spark.Records;
using Serverless.Storage.Connection;
using Serverless.Testing;

namespace Serverless.Spark.Tests.Records;

/// <summary>The job records store recreates its table when storage lost it after first use (an emulator restarted empty).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SparkJobRecordStoreTests
{
    private readonly StorageAccount account;
    private readonly string tableName = AzuriteFixture.UniqueName("jobs");

    public SparkJobRecordStoreTests(AzuriteFixture azurite) => this.account = azurite.CreateAccount();

    [Fact]
    public async Task Calls_TableDeletedAfterFirstUse_ReadsNothingThenAddsAndUpsertsIntoARecreatedTable()
    {
        var store = new SparkJobRecordStore(this.account, this.tableName);
        Assert.True(await store.TryAddAsync(new SparkJobRecord { PartitionKey = "local", RowKey = "before" }, CancellationToken.None));

        await this.account.Tables.DeleteTableAsync(this.tableName);

        // A read of a lost table finds nothing (not an error); a write makes the table again.
        Assert.Null(await store.GetAsync("local", "before", CancellationToken.None));
        Assert.True(await store.TryAddAsync(new SparkJobRecord { PartitionKey = "local", RowKey = "after" }, CancellationToken.None));
        await this.account.Tables.DeleteTableAsync(this.tableName);
        await store.UpsertAsync(new SparkJobRecord { PartitionKey = "local", RowKey = "upserted" }, CancellationToken.None);

        Assert.NotNull(await store.GetAsync("local", "upserted", CancellationToken.None));
        Assert.Null(await store.GetAsync("local", "after", CancellationToken.None));
    }
}
