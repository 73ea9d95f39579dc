using System.Text.Json.Nodes;
using Serverless.Infra.Tests.Bicep;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class BicepBuildTests(InfraFixture infra)
{
    public static TheoryData<DeploymentChoice> Choices => new(DeploymentChoice.All);

    [Fact]
    public void BicepFiles_InfraFolder_IncludeMainAndEveryModule()
    {
        Assert.Contains(Path.Combine("infra-bicep", "main.bicep"), infra.BicepFiles);
        string[] modules = ["databricks", "function-app", "identity", "key-vault", "monitoring", "role-assignments", "storage", "synapse", "types"];
        foreach (string module in modules)
        {
            Assert.Contains(Path.Combine("infra-bicep", "modules", module + ".bicep"), infra.BicepFiles);
        }
    }

    [Fact]
    public void Lint_EveryBicepFile_ReportsNoWarningsOrErrors()
    {
        ProcessResult lint = Assert.IsType<ProcessResult>(infra.LintResult);
        Assert.True(lint.ExitCode == 0, lint.Transcript);
        Assert.Empty(BicepCli.Diagnostics(lint.StandardError));
    }

    [Fact]
    public void Build_EveryBicepFile_CompilesWithoutWarningsOrErrors()
    {
        ProcessResult build = Assert.IsType<ProcessResult>(infra.BuildResult);
        Assert.True(build.ExitCode == 0, build.Transcript);
        Assert.Empty(BicepCli.Diagnostics(build.StandardError));
        Assert.Equal(infra.BicepFiles, infra.CompiledTemplates.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void Snapshot_ParameterChoice_IsPredictedWithoutDiagnostics(DeploymentChoice choice)
    {
        DeploymentSnapshot snapshot = infra.Snapshot(choice);
        Assert.Empty(snapshot.Diagnostics);
        Assert.NotEmpty(snapshot.Resources);
    }

    [Fact]
    public void CompiledTemplates_EveryParameter_HasADescription()
    {
        var undocumented = new List<string>();
        foreach ((string file, string json) in infra.CompiledTemplates)
        {
            JsonObject parameters = JsonNode.Parse(json)!["parameters"]?.AsObject() ?? [];
            undocumented.AddRange(parameters
                .Where(p => string.IsNullOrWhiteSpace((string?)p.Value?["metadata"]?["description"]))
                .Select(p => $"{file}: {p.Key}"));
        }

        Assert.Empty(undocumented);
    }

    [Fact]
    public void CompiledMain_ChoiceParameters_AllowExactlyTheDocumentedValues()
    {
        JsonNode parameters = JsonNode.Parse(infra.MainTemplate)!["parameters"]!;
        Assert.Equal(["none", "synapse", "databricks"], AllowedValues(parameters["sparkBackend"]!));
        Assert.Equal("none", (string?)parameters["sparkBackend"]!["defaultValue"]);
        Assert.Equal("serverless", (string?)parameters["taskHub"]!["defaultValue"]);
        Assert.Equal([512, 2048, 4096], parameters["instanceMemoryMB"]!["allowedValues"]!.AsArray().Select(v => (int)v!));
        Assert.Equal(["default"], parameters["apiKeyNames"]!["defaultValue"]!.AsArray().Select(v => (string)v!));
        Assert.Empty(parameters["alwaysReady"]!["defaultValue"]!.AsArray());
        Assert.Equal(string.Empty, (string?)parameters["virtualNetworkSubnetId"]!["defaultValue"]);
    }

    [Fact]
    public void CompiledMain_HostingPlans_AreFlexConsumptionOnly()
    {
        // One plan, no plan choice: Flex Consumption has everything the app needs (see the README).
        JsonNode parameters = JsonNode.Parse(infra.MainTemplate)!["parameters"]!;
        Assert.Null(parameters["hostingPlan"]);
        JsonObject module = MainResources(infra.MainTemplate)
            .Single(r => (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == "function-app");
        var sites = MainResources(module["properties"]!["template"]!.ToJsonString())
            .Where(r => (string?)r["type"] == "Microsoft.Web/sites")
            .ToList();
        JsonObject site = Assert.Single(sites);
        Assert.Null(site["condition"]);
    }

    [Theory]
    [InlineData("synapse")]
    [InlineData("databricks")]
    public void CompiledMain_SparkModule_IsDeployedOnlyForItsBackend(string backend)
    {
        JsonObject module = MainResources(infra.MainTemplate)
            .Single(r => (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == backend);
        Assert.Equal($"[equals(parameters('sparkBackend'), '{backend}')]", (string?)module["condition"]);
    }

    [Fact]
    public void InfraFiles_Text_NeverMentionTheCustomHandler()
    {
        string[] files = Directory.EnumerateFiles(BicepCli.InfraDirectory, "*", SearchOption.AllDirectories).ToArray();
        Assert.NotEmpty(files);
        var mentions = files
            .SelectMany(f => File.ReadLines(f).Select((line, index) => (File: f, Line: index + 1, Text: line)))
            .Where(l => l.Text.Contains("custom handler", StringComparison.OrdinalIgnoreCase)
                || l.Text.Contains("customHandler", StringComparison.OrdinalIgnoreCase)
                || l.Text.Contains("'custom'", StringComparison.Ordinal)
                || (l.Text.Contains("self-contained", StringComparison.OrdinalIgnoreCase) && !l.Text.Contains("--self-contained false", StringComparison.Ordinal)))
            .Select(l => $"{Path.GetRelativePath(BicepCli.RepositoryRoot, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.Empty(mentions);
    }

    private static string[] AllowedValues(JsonNode parameter) =>
        parameter["allowedValues"]!.AsArray().Select(v => (string)v!).ToArray();

    private static List<JsonObject> MainResources(string templateJson)
    {
        // Bicep emits resources as an array, or as an object keyed by symbolic name when a feature needs it.
        JsonNode resources = JsonNode.Parse(templateJson)!["resources"]!;
        return resources is JsonArray array
            ? array.Select(r => r!.AsObject()).ToList()
            : resources.AsObject().Select(p => p.Value!.AsObject()).ToList();
    }
}
