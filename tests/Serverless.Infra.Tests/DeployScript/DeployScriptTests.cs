using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Infra.Tests.Bicep;

namespace Serverless.Infra.Tests.DeployScript;

[Collection(InfraCollection.Name)]
public sealed partial class DeployScriptTests(InfraFixture infra)
{
    private static string DeployScript => Path.Combine(BicepCli.InfraDirectory, "deploy.sh");

    [Fact]
    public async Task DeployScript_Syntax_IsValidBash()
    {
        ProcessResult result = await ProcessRunner.RunAsync("bash", ["-n", DeployScript], BicepCli.RepositoryRoot);
        Assert.True(result.ExitCode == 0, result.Transcript);
    }

    [Fact]
    public async Task DeployScript_Header_FailsFastOnErrors()
    {
        string[] lines = await File.ReadAllLinesAsync(DeployScript);
        Assert.Equal("#!/usr/bin/env bash", lines[0]);
        Assert.Contains("set -euo pipefail", lines);
    }

    [Fact]
    public async Task DeployScript_OutputsItReads_ExistInMainTemplate()
    {
        string script = await File.ReadAllTextAsync(DeployScript);
        Match list = OutputNamesList().Match(script);
        Assert.True(list.Success, "deploy.sh has no OUTPUT_NAMES=( ... ) list");
        string[] read = list.Groups[1].Value.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);

        JsonObject outputs = JsonNode.Parse(infra.MainTemplate)!["outputs"]!.AsObject();
        Assert.NotEmpty(read);
        Assert.All(read, name => Assert.True(outputs.ContainsKey(name), $"main.bicep has no output {name}"));
    }

    [Fact]
    public async Task DeployScript_UnknownSparkBackend_FailsWithAClearMessage()
    {
        ProcessResult result = await ProcessRunner.RunAsync("bash", [DeployScript, "-g", "rg", "-s", "hdinsight"], BicepCli.RepositoryRoot);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--spark must be none, synapse or databricks", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployScript_UnpauseWithoutDags_FailsWithAClearMessage()
    {
        ProcessResult result = await ProcessRunner.RunAsync("bash", [DeployScript, "-g", "rg", "--unpause", "--with-data"], BicepCli.RepositoryRoot);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--unpause needs at least one DAG id", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MainParameters_EveryValue_IsADeclaredParameterWithAnAllowedValue()
    {
        JsonObject declared = JsonNode.Parse(infra.MainTemplate)!["parameters"]!.AsObject();
        JsonObject given = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(BicepCli.InfraDirectory, "main.parameters.json")))!["parameters"]!.AsObject();

        Assert.NotEmpty(given);
        foreach ((string name, JsonNode? value) in given)
        {
            Assert.True(declared.ContainsKey(name), $"main.parameters.json sets {name}, which main.bicep does not declare");
            JsonNode? literal = value!["value"];
            Match reference = AzdReference().Match(literal?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)literal! : string.Empty);
            if (reference.Success)
            {
                // azd substitutes ${NAME=default}: the default must be allowed too.
                literal = reference.Groups[2].Success ? JsonValue.Create(reference.Groups[2].Value) : null;
            }

            if (literal is not null && declared[name]!["allowedValues"] is JsonArray allowed)
            {
                Assert.Contains(allowed, a => JsonNode.DeepEquals(a, literal));
            }
        }
    }

    [Fact]
    public void MainParameters_AzdEnvironment_MapsTheNameRegionAndDeployer()
    {
        JsonObject given = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "main.parameters.json")))!["parameters"]!.AsObject();
        Assert.Equal("${AZURE_ENV_NAME}", (string?)given["environmentName"]!["value"]);
        Assert.Equal("${AZURE_LOCATION}", (string?)given["location"]!["value"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", (string?)given["deployerPrincipalId"]!["value"]);
    }

    [GeneratedRegex(@"OUTPUT_NAMES=\(([^)]*)\)")]
    private static partial Regex OutputNamesList();

    [GeneratedRegex(@"^\$\{([A-Z_]+)(?:=([^}]*))?\}$")]
    private static partial Regex AzdReference();
}
