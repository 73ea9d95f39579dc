using Serverless.Infra.Tests.Bicep;
using YamlDotNet.RepresentationModel;

namespace Serverless.Infra.Tests;

/// <summary>azure.yaml: what `azd up` provisions, deploys and runs afterwards.</summary>
public sealed class AzureYamlTests
{
    private static readonly YamlMappingNode Root = Load();

    [Fact]
    public void Infra_Path_IsTheBicepFolderWithMain()
    {
        YamlMappingNode infra = Mapping(Root, "infra");
        Assert.Equal("bicep", Scalar(infra, "provider"));
        Assert.Equal("infra-bicep", Scalar(infra, "path"));
        Assert.Equal("main", Scalar(infra, "module"));
        Assert.True(File.Exists(Path.Combine(BicepCli.RepositoryRoot, "infra-bicep", "main.bicep")));
        // azd reads main.parameters.json next to the module.
        Assert.True(File.Exists(Path.Combine(BicepCli.RepositoryRoot, "infra-bicep", "main.parameters.json")));
    }

    [Fact]
    public void Services_Functions_IsTheDotnetAppHostedOnFunctions()
    {
        YamlMappingNode services = Mapping(Root, "services");
        var service = Assert.Single(services.Children);
        Assert.Equal("functions", ((YamlScalarNode)service.Key).Value);

        var functions = (YamlMappingNode)service.Value;
        Assert.Equal("dotnet", Scalar(functions, "language"));
        Assert.Equal("function", Scalar(functions, "host"));
        string project = Scalar(functions, "project");
        Assert.True(
            File.Exists(Path.Combine(BicepCli.RepositoryRoot, project, "Serverless.Functions.csproj")),
            $"azure.yaml's service project {project} has no Serverless.Functions.csproj");
    }

    [Theory]
    [InlineData("postprovision", "./infra-bicep/deploy.sh --from-azd --skip-app --skip-files")]
    [InlineData("postdeploy", "./infra-bicep/deploy.sh --from-azd --skip-app --with-data")]
    public void Hooks_RunDeployScriptStepsAzdDoesNot(string hook, string command)
    {
        YamlMappingNode posix = Mapping(Mapping(Mapping(Root, "hooks"), hook), "posix");
        Assert.Equal("sh", Scalar(posix, "shell"));
        Assert.Equal(command, Scalar(posix, "run"));
    }

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(BicepCli.RepositoryRoot, "azure.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Mapping(YamlMappingNode parent, string key) =>
        Assert.IsType<YamlMappingNode>(parent.Children[new YamlScalarNode(key)]);

    private static string Scalar(YamlMappingNode parent, string key) =>
        Assert.IsType<YamlScalarNode>(parent.Children[new YamlScalarNode(key)]).Value ?? string.Empty;
}
