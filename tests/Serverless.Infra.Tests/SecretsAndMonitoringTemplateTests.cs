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
    public void AppSettings_ApiKeys_AreOneKeyVaultReferencePerNamedKey(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        string vault = (string)snapshot.Single("Microsoft.KeyVault/vaults")["name"]!;
        var keySettings = snapshot.AppSettings()
            .Where(s => s.Key.StartsWith("Serverless__ApiKey", StringComparison.Ordinal))
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .ToList();

        var expected = choice.ApiKeyNames
            .Select(n => new KeyValuePair<string, string>($"Serverless__ApiKeys__{n}", $"@Microsoft.KeyVault(VaultName={vault};SecretName=api-key-{n})"))
            .OrderBy(s => s.Key, StringComparer.Ordinal);
        // Only named keys: the legacy single Serverless__ApiKey setting is not written.
        Assert.Equal(expected, keySettings);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void Outputs_ApiKeySecrets_PairEveryKeyNameWithItsSecret(DeploymentChoice choice)
    {
        // deploy.sh writes the secrets from this output, so it must name exactly the secrets the settings reference.
        string pairs = (string)infra.Snapshot(choice).Outputs["API_KEY_SECRETS"]!;
        Assert.Equal(string.Join(' ', choice.ApiKeyNames.Select(n => $"{n}=api-key-{n}")), pairs);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void AppSettings_Secrets_AreNeverPlainValues(DeploymentChoice choice)
    {
        var plain = infra.Snapshot(choice).AppSettings()
            .Where(s => s.Key.StartsWith("Serverless__ApiKey", StringComparison.Ordinal)
                || s.Key.EndsWith("__Token", StringComparison.Ordinal)
                || s.Key.EndsWith("__Password", StringComparison.Ordinal))
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
