using System.Text.Json.Nodes;
using Serverless.Infra.Tests.Bicep;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class SecretsAndMonitoringTemplateTests(InfraFixture infra)
{
    public static TheoryData<DeploymentChoice> Choices => new(DeploymentChoice.All);

    [Theory]
    [MemberData(nameof(Choices))]
    public void KeyVault_Authorization_IsRbacWithoutAccessPolicies(DeploymentChoice choice)
    {
        JsonNode properties = infra.Snapshot(choice).Single("Microsoft.KeyVault/vaults")["properties"]!;
        Assert.True((bool)properties["enableRbacAuthorization"]!);
        Assert.Null(properties["accessPolicies"]);
        Assert.True((bool)properties["enableSoftDelete"]!);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void AppSettings_ApiKey_IsAKeyVaultReference(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        string vault = (string)snapshot.Single("Microsoft.KeyVault/vaults")["name"]!;
        Assert.Equal($"@Microsoft.KeyVault(VaultName={vault};SecretName=serverless-api-key)", snapshot.AppSettings()["Serverless__ApiKey"]);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void AppSettings_Secrets_AreNeverPlainValues(DeploymentChoice choice)
    {
        string[] secretSettings = ["Serverless__ApiKey", "Spark__Databricks__Token", "Spark__Livy__Password"];
        var plain = infra.Snapshot(choice).AppSettings()
            .Where(s => secretSettings.Contains(s.Key, StringComparer.Ordinal))
            .Where(s => !s.Value.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal))
            .Select(s => s.Key)
            .ToList();
        Assert.Empty(plain);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void ApplicationInsights_IsWorkspaceBasedWithLocalAuthDisabled(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        JsonNode properties = snapshot.Single("Microsoft.Insights/components")["properties"]!;
        string workspaceId = (string)snapshot.Single("Microsoft.OperationalInsights/workspaces")["id"]!;

        Assert.True((bool)properties["DisableLocalAuth"]!);
        Assert.Equal(workspaceId, (string?)properties["WorkspaceResourceId"]);
    }
}
