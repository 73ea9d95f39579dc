using System.Text.Json.Nodes;
using Serverless.Infra.Tests.Bicep;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class FunctionAppTemplateTests(InfraFixture infra)
{
    public static TheoryData<DeploymentChoice> Choices => new(DeploymentChoice.All);

    [Theory]
    [MemberData(nameof(Choices))]
    public void FlexConsumption_Plan_IsFC1OnLinux(DeploymentChoice choice)
    {
        JsonObject plan = infra.Snapshot(choice).Single("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.True((bool)plan["properties"]!["reserved"]!);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void FlexConsumption_Runtime_IsDotnetIsolated10InFunctionAppConfigOnly(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        JsonObject site = snapshot.Single("Microsoft.Web/sites");
        JsonNode runtime = site["properties"]!["functionAppConfig"]!["runtime"]!;
        IReadOnlyDictionary<string, string> settings = snapshot.AppSettings();

        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        Assert.Equal("dotnet-isolated", (string?)runtime["name"]);
        Assert.Equal("10.0", (string?)runtime["version"]);
        // Flex Consumption refuses these app settings: the runtime comes from functionAppConfig.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings.Keys);
        Assert.DoesNotContain("WEBSITE_RUN_FROM_PACKAGE", settings.Keys);
        Assert.Null(site["properties"]!["siteConfig"]!["linuxFxVersion"]);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void FlexConsumption_DeploymentStorage_IsTheDeploymentContainerReadWithTheIdentity(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        JsonNode storage = snapshot.Single("Microsoft.Web/sites")["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!;
        string storageId = (string)snapshot.AppStorageAccount["id"]!;

        Assert.Equal("blobContainer", (string?)storage["type"]);
        Assert.Equal($"[format('{{0}}{{1}}', reference('{storageId}', '2023-05-01').primaryEndpoints.blob, 'deployment')]", (string?)storage["value"]);
        Assert.Equal("UserAssignedIdentity", (string?)storage["authentication"]!["type"]);
        Assert.Equal(snapshot.IdentityId, (string?)storage["authentication"]!["userAssignedIdentityResourceId"]);
        Assert.Null(storage["authentication"]!["storageAccountConnectionStringName"]);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void FlexConsumption_Scale_FollowsTheMemoryAndAlwaysReadyParameters(DeploymentChoice choice)
    {
        JsonNode scale = infra.Snapshot(choice).Single("Microsoft.Web/sites")["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!;

        Assert.Equal(100, (int)scale["maximumInstanceCount"]!);
        Assert.Equal(choice.InstanceMemoryMB, (int)scale["instanceMemoryMB"]!);
        var alwaysReady = scale["alwaysReady"]!.AsArray().Select(g => ((string)g!["name"]!, (int)g["instanceCount"]!)).ToList();
        List<(string, int)> expected = choice.AlwaysReadyDurable ? [("durable", 1)] : [];
        Assert.Equal(expected, alwaysReady);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void FlexConsumption_VnetIntegration_IsTheGivenSubnetOrNone(DeploymentChoice choice)
    {
        JsonNode properties = infra.Snapshot(choice).Single("Microsoft.Web/sites")["properties"]!;

        Assert.Equal(string.IsNullOrEmpty(choice.SubnetId) ? null : choice.SubnetId, (string?)properties["virtualNetworkSubnetId"]);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void FunctionApp_Transport_IsHttpsOnlyWithTls12(DeploymentChoice choice)
    {
        JsonNode properties = infra.Snapshot(choice).Single("Microsoft.Web/sites")["properties"]!;

        Assert.True((bool)properties["httpsOnly"]!);
        Assert.Equal("1.2", (string?)properties["siteConfig"]!["minTlsVersion"]);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void AppSettings_Storage_IsIdentityBasedWithoutAnyKey(DeploymentChoice choice)
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

        // No connection string, no content share, and no value anywhere that could carry an account key.
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.DoesNotContain("DEPLOYMENT_STORAGE_CONNECTION_STRING", settings.Keys);
        Assert.DoesNotContain("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", settings.Keys);
        Assert.DoesNotContain("WEBSITE_CONTENTSHARE", settings.Keys);
        Assert.DoesNotContain(settings, s => s.Value.Contains("AccountKey", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(settings, s => s.Value.Contains("listKeys", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(settings, s => s.Value.Contains("SharedAccessSignature", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void AppSettings_Pipelines_CarryTheTaskHubContainersAndMonitoring(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        IReadOnlyDictionary<string, string> settings = snapshot.AppSettings();
        string insightsId = (string)snapshot.Single("Microsoft.Insights/components")["id"]!;

        Assert.Equal(choice.TaskHub, settings["Serverless__TaskHub"]);
        Assert.Equal("dags", settings["Serverless__DagContainer"]);
        Assert.Equal("30", settings["Serverless__RetentionDays"]);
        Assert.Equal("data", settings["Spark__DataContainer"]);
        Assert.Equal($"[reference('{insightsId}', '2020-02-02').ConnectionString]", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        Assert.Equal(
            $"[format('ClientId={{0}};Authorization=AAD', reference('{snapshot.IdentityId}', '2023-01-31').clientId)]",
            settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void FunctionApp_Tags_NameTheAzdService(DeploymentChoice choice)
    {
        // azure.yaml's service "functions" is deployed to the resource carrying this tag.
        JsonObject site = infra.Snapshot(choice).Single("Microsoft.Web/sites");
        Assert.Equal("functions", (string?)site["tags"]!["azd-service-name"]);
    }
}
