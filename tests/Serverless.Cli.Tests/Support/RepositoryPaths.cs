namespace Serverless.Cli.Tests.Support;

/// <summary>Paths in the checkout the tests run from.</summary>
internal static class RepositoryPaths
{
    /// <summary>Gets the repository root: the first folder above the test output with <c>Serverless.sln</c>.</summary>
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Serverless.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("Serverless.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Gets the local host's Release build (the test project builds it first).</summary>
    public static string LocalHostDll => Path.Combine(Root, "functions", "Serverless.LocalHost", "bin", "Release", "net10.0", "Serverless.LocalHost.dll");

    /// <summary>Gets the sample data folder (npm package vega-datasets).</summary>
    public static string SampleData => Path.Combine(Root, "node_modules", "vega-datasets", "data");

    /// <summary>Gets the README.</summary>
    public static string Readme => Path.Combine(Root, "README.md");
}
