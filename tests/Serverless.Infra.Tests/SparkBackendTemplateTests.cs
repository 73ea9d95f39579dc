using System.Text.Json.Nodes;
using Serverless.Infra.Tests.Bicep;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class SparkBackendTemplateTests(InfraFixture infra)
{
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    public static TheoryData<DeploymentChoice> NoBackendChoices => Backend("none");

    public static TheoryData<DeploymentChoice> SynapseChoices => Backend("synapse");

    public static TheoryData<DeploymentChoice> DatabricksChoices => Backend("databricks");

    [Theory]
    [MemberData(nameof(NoBackendChoices))]
    public void NoBackend_App_UsesTheEmbeddedEngineAndNoCluster(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        IReadOnlyDictionary<string, string> settings = snapshot.AppSettings();

        Assert.Equal("local", settings["Spark__Backend"]);
        Assert.Equal("1GB", settings["Spark__Local__MemoryLimit"]);
        Assert.DoesNotContain(snapshot.Resources, r => ((string)r["type"]!).StartsWith("Microsoft.Synapse/", StringComparison.Ordinal));
        Assert.DoesNotContain(snapshot.Resources, r => ((string)r["type"]!).StartsWith("Microsoft.Databricks/", StringComparison.Ordinal));
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("Spark__Synapse__", StringComparison.Ordinal) || k.StartsWith("Spark__Databricks__", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SynapseChoices))]
    public void Synapse_Workspace_HasADataLakeAPoolAndTheAppSettings(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        IReadOnlyDictionary<string, string> settings = snapshot.AppSettings();
        JsonObject workspace = snapshot.Single("Microsoft.Synapse/workspaces");
        JsonObject pool = snapshot.Single("Microsoft.Synapse/workspaces/bigDataPools");
        JsonObject dataLake = Assert.Single(snapshot.OfType("Microsoft.Storage/storageAccounts"), a => (bool?)a["properties"]!["isHnsEnabled"] == true);

        Assert.Equal((string?)dataLake["id"], (string?)workspace["properties"]!["defaultDataLakeStorage"]!["resourceId"]);
        Assert.True((bool)pool["properties"]!["autoPause"]!["enabled"]!);
        Assert.Equal("synapse", settings["Spark__Backend"]);
        Assert.Equal($"[reference('{workspace["id"]}', '2021-06-01').connectivityEndpoints.dev]", settings["Spark__Synapse__Endpoint"]);
        Assert.Equal(((string)pool["name"]!).Split('/')[1], settings["Spark__Synapse__SparkPool"]);
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("Spark__Local__", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SynapseChoices))]
    public void Synapse_WorkspaceIdentity_MayReadAndWriteAppStorage(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        string workspaceId = (string)snapshot.Single("Microsoft.Synapse/workspaces")["id"]!;
        Assert.Contains(((string)snapshot.AppStorageAccount["id"]!, StorageBlobDataContributor), snapshot.RoleAssignmentsOf(workspaceId));
    }

    [Theory]
    [MemberData(nameof(DatabricksChoices))]
    public void Databricks_Workspace_HasTheAppSettingsWithTheTokenInKeyVault(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        IReadOnlyDictionary<string, string> settings = snapshot.AppSettings();
        JsonObject workspace = snapshot.Single("Microsoft.Databricks/workspaces");
        string vault = (string)snapshot.Single("Microsoft.KeyVault/vaults")["name"]!;

        Assert.Equal("databricks", settings["Spark__Backend"]);
        Assert.Equal($"[format('https://{{0}}', reference('{workspace["id"]}', '2024-05-01').workspaceUrl)]", settings["Spark__Databricks__WorkspaceUrl"]);
        Assert.Equal($"@Microsoft.KeyVault(VaultName={vault};SecretName=databricks-token)", settings["Spark__Databricks__Token"]);
        Assert.Equal("2", settings["Spark__Databricks__Workers"]);
        Assert.False(string.IsNullOrEmpty(settings["Spark__Databricks__SparkVersion"]));
        Assert.False(string.IsNullOrEmpty(settings["Spark__Databricks__NodeType"]));
        // No existing cluster was given, so the app must build job clusters.
        Assert.DoesNotContain("Spark__Databricks__ExistingClusterId", settings.Keys);
    }

    [Theory]
    [MemberData(nameof(DatabricksChoices))]
    public void Databricks_AccessConnector_MayReadAndWriteAppStorage(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        string connectorId = (string)snapshot.Single("Microsoft.Databricks/accessConnectors")["id"]!;
        Assert.Contains(((string)snapshot.AppStorageAccount["id"]!, StorageBlobDataContributor), snapshot.RoleAssignmentsOf(connectorId));
    }

    private static TheoryData<DeploymentChoice> Backend(string backend) =>
        new(DeploymentChoice.All.Where(c => c.SparkBackend == backend));
}
