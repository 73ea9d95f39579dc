using System.Text.Json.Nodes;
using Serverless.Durable.Storage;
using Serverless.Infra.Tests.Bicep;
using Serverless.Spark;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class StorageTemplateTests(InfraFixture infra)
{
    /// <summary>The container Flex Consumption deploys from and Elastic Premium runs from; the app never reads it.</summary>
    private const string DeploymentContainer = "app-package";

    /// <summary>The container of deployed DAG files (fixed project-wide as Serverless__DagContainer's default).</summary>
    private const string DagContainer = "dags";

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
    public void AppStorage_ContainersQueuesTables_AreExactlyTheNamesTheAppUses(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        string account = (string)snapshot.AppStorageAccount["name"]!;
        var hub = new TaskHubResourceNames(choice.TaskHub);

        string[] expectedContainers = [.. hub.Containers, SparkResourceNames.DataContainer, SparkResourceNames.ScriptsContainer, DagContainer, DeploymentContainer];
        string[] expectedTables = [.. hub.Tables, SparkResourceNames.JobsTable];

        Assert.Equal(
            expectedContainers.Order(StringComparer.Ordinal),
            snapshot.ChildNames("Microsoft.Storage/storageAccounts/blobServices/containers", account).Order(StringComparer.Ordinal));
        Assert.Equal(
            hub.Queues.Order(StringComparer.Ordinal),
            snapshot.ChildNames("Microsoft.Storage/storageAccounts/queueServices/queues", account).Order(StringComparer.Ordinal));
        Assert.Equal(
            expectedTables.Order(StringComparer.Ordinal),
            snapshot.ChildNames("Microsoft.Storage/storageAccounts/tableServices/tables", account).Order(StringComparer.Ordinal));
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
