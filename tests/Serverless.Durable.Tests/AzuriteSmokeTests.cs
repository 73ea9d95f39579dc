using Serverless.Testing;

namespace Serverless.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteSmokeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Queue_SendReceive_RoundTripsThroughAzurite()
    {
        var account = azurite.CreateAccount();
        var queue = account.Queues.GetQueueClient(AzuriteFixture.UniqueName("q"));
        await queue.CreateAsync();
        await queue.SendMessageAsync("hello");
        var received = await queue.ReceiveMessageAsync();
        Assert.Equal("hello", received.Value.MessageText);
    }
}
