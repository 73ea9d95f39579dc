using System.Text.Json.Nodes;
using Serverless.Infra.Tests.Bicep;
using Serverless.Spark;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class FunctionAppTemplateTests(InfraFixture infra)
{
    public static TheoryData<DeploymentChoice> Choices => new(DeploymentChoice.All);

    public static TheoryData<DeploymentChoice> FlexChoices => new(DeploymentChoice.All.Where(c => c.IsFlex));

    public static TheoryData<DeploymentChoice> PremiumChoices => new(DeploymentChoice.All.Where(c => !c.IsFlex));

    [Theory]
    [MemberData(nameof(Choices))]
    public void AppSettings_Storage_IsIdentityBasedWithoutAConnectionString(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        IReadOnlyDictionary<string, string> settings = snapshot.AppSettings();
        string storageId = (string)snapshot.AppStorageAccount["id"]!;

        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal($"[reference('{snapshot.IdentityId}', '2023-01-31').clientId]", settings["AzureWebJobsStorage__clientId"]);
        Assert.Equal($"[reference('{storageId}', '2023-05-01').primaryEndpoints.blob]", settings["AzureWebJobsStorage__blobServiceUri"]);
        Assert.Equal($"[reference('{storageId}', '2023-05-01').primaryEndpoints.queue]", settings["AzureWebJobsStorage__queueServiceUri"]);
        Assert.Equal($"[reference('{storageId}', '2023-05-01').primaryEndpoints.table]", settings["AzureWebJobsStorage__tableServiceUri"]);
        Assert.Equal(settings["AzureWebJobsStorage__clientId"], settings["AZURE_CLIENT_ID"]);

        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.DoesNotContain("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", settings.Keys);
        Assert.DoesNotContain(settings, s => s.Value.Contains("AccountKey", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(settings, s => s.Value.Contains("listKeys", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void AppSettings_Engine_CarryTheTaskHubContainersAndMonitoring(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        IReadOnlyDictionary<string, string> settings = snapshot.AppSettings();
        string insightsId = (string)snapshot.Single("Microsoft.Insights/components")["id"]!;

        Assert.Equal(choice.TaskHub, settings["Serverless__TaskHub"]);
        Assert.Equal("dags", settings["Serverless__DagContainer"]);
        Assert.Equal("30", settings["Serverless__RetentionDays"]);
        Assert.Equal(SparkResourceNames.DataContainer, settings["Spark__DataContainer"]);
        Assert.Equal($"[reference('{insightsId}', '2020-02-02').ConnectionString]", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        Assert.Equal(
            $"[format('ClientId={{0}};Authorization=AAD', reference('{snapshot.IdentityId}', '2023-01-31').clientId)]",
            settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Theory]
    [MemberData(nameof(FlexChoices))]
    public void FlexConsumption_Runtime_IsCustomInFunctionAppConfig(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        JsonObject plan = snapshot.Single("Microsoft.Web/serverfarms");
        JsonNode config = snapshot.Single("Microsoft.Web/sites")["properties"]!["functionAppConfig"]!;
        IReadOnlyDictionary<string, string> settings = snapshot.AppSettings();

        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.True((bool)plan["properties"]!["reserved"]!);
        Assert.Equal("custom", (string?)config["runtime"]!["name"]);
        // Flex Consumption rejects these app settings: the runtime comes from functionAppConfig.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings.Keys);
        Assert.DoesNotContain("WEBSITE_RUN_FROM_PACKAGE", settings.Keys);
    }

    [Theory]
    [MemberData(nameof(FlexChoices))]
    public void FlexConsumption_DeploymentStorage_IsTheAppPackageContainerReadWithTheIdentity(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        JsonNode storage = snapshot.Single("Microsoft.Web/sites")["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!;
        string storageId = (string)snapshot.AppStorageAccount["id"]!;

        Assert.Equal("blobContainer", (string?)storage["type"]);
        Assert.Equal($"[format('{{0}}{{1}}', reference('{storageId}', '2023-05-01').primaryEndpoints.blob, 'app-package')]", (string?)storage["value"]);
        Assert.Equal("UserAssignedIdentity", (string?)storage["authentication"]!["type"]);
        Assert.Equal(snapshot.IdentityId, (string?)storage["authentication"]!["userAssignedIdentityResourceId"]);
    }

    [Theory]
    [MemberData(nameof(PremiumChoices))]
    public void ElasticPremium_Runtime_IsCustomWorkerRuntimeSetting(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        JsonObject plan = snapshot.Single("Microsoft.Web/serverfarms");
        JsonObject site = snapshot.Single("Microsoft.Web/sites");
        IReadOnlyDictionary<string, string> settings = snapshot.AppSettings();

        Assert.Equal("EP1", (string?)plan["sku"]!["name"]);
        Assert.Equal("ElasticPremium", (string?)plan["sku"]!["tier"]);
        Assert.True((bool)plan["properties"]!["reserved"]!);
        Assert.Null(site["properties"]!["functionAppConfig"]);
        Assert.Equal("custom", settings["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("~4", settings["FUNCTIONS_EXTENSION_VERSION"]);
        Assert.Equal("1.2", (string?)site["properties"]!["siteConfig"]!["minTlsVersion"]);
        // A Linux custom handler has no language image (the stack definition's empty linuxFxVersion).
        Assert.Equal(string.Empty, (string?)site["properties"]!["siteConfig"]!["linuxFxVersion"]);
    }

    [Theory]
    [MemberData(nameof(PremiumChoices))]
    public void ElasticPremium_Package_IsFetchedFromBlobWithTheIdentity(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        IReadOnlyDictionary<string, string> settings = snapshot.AppSettings();
        string storageId = (string)snapshot.AppStorageAccount["id"]!;

        Assert.Equal(
            $"[format('{{0}}{{1}}/{{2}}', reference('{storageId}', '2023-05-01').primaryEndpoints.blob, 'app-package', 'serverless-functions.zip')]",
            settings["WEBSITE_RUN_FROM_PACKAGE"]);
        Assert.Equal(snapshot.IdentityId, settings["WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID"]);
    }
}
