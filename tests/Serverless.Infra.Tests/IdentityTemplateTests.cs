using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Infra.Tests.Bicep;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed partial class IdentityTemplateTests(InfraFixture infra)
{
    // Built-in role definition IDs, as published in the Azure RBAC built-in roles reference.
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

    public static TheoryData<DeploymentChoice> Choices => new(DeploymentChoice.All);

    [Theory]
    [MemberData(nameof(Choices))]
    public void Identity_StorageAccountRoles_AreExactlyWhatDurableFunctionsNeeds(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        string storageId = (string)snapshot.AppStorageAccount["id"]!;

        var onStorage = snapshot.RoleAssignmentsOf(snapshot.IdentityId)
            .Where(a => a.Scope == storageId)
            .Select(a => a.RoleId)
            .Order(StringComparer.Ordinal);

        string[] expected = [StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor];
        Assert.Equal(expected.Order(StringComparer.Ordinal), onStorage);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void Identity_RoleAssignments_GrantStorageMonitoringAndSecretRoles(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        string storageId = (string)snapshot.AppStorageAccount["id"]!;
        string insightsId = (string)snapshot.Single("Microsoft.Insights/components")["id"]!;
        string vaultId = (string)snapshot.Single("Microsoft.KeyVault/vaults")["id"]!;

        var granted = snapshot.RoleAssignmentsOf(snapshot.IdentityId).Order().ToList();

        (string, string)[] expected =
        [
            (storageId, StorageBlobDataOwner),
            (storageId, StorageQueueDataContributor),
            (storageId, StorageTableDataContributor),
            (insightsId, MonitoringMetricsPublisher),
            (vaultId, KeyVaultSecretsUser),
        ];
        Assert.Equal(expected.Order(), granted);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void RoleAssignments_Names_AreDeterministicGuids(DeploymentChoice choice)
    {
        var names = infra.Snapshot(choice).OfType("Microsoft.Authorization/roleAssignments").Select(r => (string)r["name"]!).ToList();
        Assert.NotEmpty(names);
        // Resolved now (a GUID) or at deployment ([guid(...)] over scope, principal and role); never random.
        Assert.All(names, n => Assert.True(Guid.TryParse(n, out _) || n.StartsWith("[guid(", StringComparison.Ordinal), n));
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void CompiledModules_RoleAssignmentNames_AreGuidsOfScopePrincipalAndRole()
    {
        var names = infra.CompiledTemplates
            .Where(t => t.Key.Contains("modules", StringComparison.Ordinal))
            .SelectMany(t => Resources(t.Value).Where(r => (string?)r["type"] == "Microsoft.Authorization/roleAssignments"))
            .Select(r => (string)r["name"]!)
            .ToList();

        // Role assignments live in role-assignments (the three storage roles in one loop), synapse and databricks.
        Assert.True(names.Count >= 8, string.Join('\n', names));
        Assert.All(names, n => Assert.Matches(ScopePrincipalRoleGuid(), n));
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void RoleAssignments_ForTheAppIdentity_AreForAServicePrincipal(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        var types = snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Where(r => ((string)r["properties"]!["principalId"]!).Contains(snapshot.IdentityId, StringComparison.Ordinal))
            .Select(r => (string?)r["properties"]!["principalType"])
            .ToList();
        Assert.Equal(5, types.Count);
        Assert.All(types, t => Assert.Equal("ServicePrincipal", t));
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void Deployer_RoleAssignments_AllowUploadingBlobsAndWritingSecrets(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        string storageId = (string)snapshot.AppStorageAccount["id"]!;
        string vaultId = (string)snapshot.Single("Microsoft.KeyVault/vaults")["id"]!;

        var granted = snapshot.RoleAssignmentsOf(InfraFixture.DeployerPrincipalId).Order().ToList();

        Assert.Equal(new[] { (storageId, StorageBlobDataContributor), (vaultId, KeyVaultSecretsOfficer) }.Order(), granted);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void FunctionApp_Identity_IsTheUserAssignedIdentityOnly(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        var site = snapshot.Single("Microsoft.Web/sites");
        Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
        Assert.Equal([snapshot.IdentityId], site["identity"]!["userAssignedIdentities"]!.AsObject().Select(p => p.Key));
        Assert.Equal(snapshot.IdentityId, (string?)site["properties"]!["keyVaultReferenceIdentity"]);
        Assert.True((bool)site["properties"]!["httpsOnly"]!);
    }

    private static IEnumerable<JsonObject> Resources(string templateJson)
    {
        // Bicep emits resources as an array, or as an object keyed by symbolic name when a feature needs it.
        JsonNode resources = JsonNode.Parse(templateJson)!["resources"]!;
        return resources is JsonArray array
            ? array.Select(r => r!.AsObject())
            : resources.AsObject().Select(p => p.Value!.AsObject());
    }

    // guid(<scope resource id>, <principal>, <role id variable>), the name a redeployment finds again.
    [GeneratedRegex(@"^\[guid\(resourceId\('[^']+', parameters\('[^']+'\)\), (parameters\('[^']+'\)|resourceId\('[^']+', parameters\('[^']+'\)\)), variables\('[A-Za-z]+RoleIds?'\)(\[copyIndex\(\)\])?\)\]$")]
    private static partial Regex ScopePrincipalRoleGuid();
}
