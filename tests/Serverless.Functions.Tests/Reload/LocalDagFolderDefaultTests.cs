using System.Runtime.CompilerServices;
using Serverless.Functions.Hosting;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Reload;

/// <summary>Where a local host run from a clone looks for DAG files when none is configured.</summary>
public sealed class LocalDagFolderDefaultTests
{
    [Fact]
    public void DefaultLocalDagFolder_RunFromAClone_IsTheRepositorysOrchestrationsDags()
    {
        // The repository as the compiler saw this file (tests/Serverless.Functions.Tests/Reload/<this file>), unless a
        // build mapped source paths away; then the solution file above the test binaries.
        var root = File.Exists(SourceFile()) ? Path.Combine(Path.GetDirectoryName(SourceFile())!, "..", "..", "..") : RepositoryPaths.Root;
        var expected = Path.GetFullPath(Path.Combine(root, "orchestrations", "dags"));

        var folder = AppServices.DefaultLocalDagFolder();

        Assert.Equal(expected, folder);
        Assert.True(File.Exists(Path.Combine(folder!, "hello.yaml")));
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
