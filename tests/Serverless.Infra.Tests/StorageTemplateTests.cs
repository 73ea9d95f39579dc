using System.Text.Json.Nodes;
using Serverless.Infra.Tests.Bicep;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class StorageTemplateTests(InfraFixture infra)
{
    // The containers that must exist before the app first runs, by the names the app uses by default
    // (Serverless__DagContainer, Spark__DataContainer, the Spark layer's scripts container) and Flex's package container.
    private static readonly string[] Containers = ["dags", "data", "deployment", "spark-scripts"];

    public static TheoryData<DeploymentChoice> Choices => new(DeploymentChoice.All);

    [Theory]
    [MemberData(nameof(Choices))]
    public void StorageAccounts_Security_NoSharedKeyTls12NoPublicBlobs(DeploymentChoice choice)
    {
        IReadOnlyList<JsonObject> accounts = infra.Snapshot(choice).OfType("Microsoft.Storage/storageAccounts");
        Assert.Equal(choice.SparkBackend == "synapse" ? 2 : 1, accounts.Count);
        foreach (JsonObject account in accounts)
        {
            JsonNode properties = account["properties"]!;
            Assert.Equal("StorageV2", (string?)account["kind"]);
            Assert.False((bool)properties["allowSharedKeyAccess"]!);
            Assert.False((bool)properties["allowBlobPublicAccess"]!);
            Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);
            Assert.True((bool)properties["supportsHttpsTrafficOnly"]!);
        }
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void AppStorage_Containers_AreExactlyTheOnesNeededBeforeTheAppRuns(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        string account = (string)snapshot.AppStorageAccount["name"]!;

        Assert.Equal(
            Containers,
            snapshot.ChildNames("Microsoft.Storage/storageAccounts/blobServices/containers", account).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void AppStorage_TaskHub_IsLeftToTheDurableProvider(DeploymentChoice choice)
    {
        // The Durable Functions Azure Storage provider creates its queues, tables and lease containers itself.
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        Assert.Empty(snapshot.OfType("Microsoft.Storage/storageAccounts/queueServices/queues"));
        Assert.Empty(snapshot.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"));
        Assert.DoesNotContain(
            snapshot.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => ((string)c["name"]!).Contains(choice.TaskHub, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void AppStorage_Containers_AreNotPublic(DeploymentChoice choice)
    {
        IReadOnlyList<JsonObject> containers = infra.Snapshot(choice).OfType("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.NotEmpty(containers);
        Assert.All(containers, c => Assert.Equal("None", (string?)c["properties"]?["publicAccess"]));
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void TopLevelResources_Tags_CarryTheEnvironment(DeploymentChoice choice)
    {
        // Role assignments cannot be tagged; every other top-level resource (type Provider/kind) must be.
        var untagged = infra.Snapshot(choice).Resources
            .Where(r => ((string)r["type"]!).Count(c => c == '/') == 1)
            .Where(r => (string?)r["type"] != "Microsoft.Authorization/roleAssignments")
            .Where(r => (string?)r["tags"]?["azd-env-name"] != "test")
            .Select(r => (string)r["type"]! + " " + (string)r["name"]!)
            .ToList();
        Assert.Empty(untagged);
    }
}
