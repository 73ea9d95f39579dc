using System.Reflection;

namespace Serverless.Testing;

/// <summary>Paths in the checkout the tests run from, found from the test's output directory.</summary>
public static class RepositoryPaths
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

    /// <summary>Gets the <c>functions</c> folder (the app, the local host and the CLI).</summary>
    public static string Functions => Path.Combine(Root, "functions");

    /// <summary>Gets the bundled sample DAGs.</summary>
    public static string SampleDags => Path.Combine(Root, "orchestrations", "dags");

    /// <summary>Gets the sample data folder (npm package vega-datasets).</summary>
    public static string SampleData => Path.Combine(Root, "node_modules", "vega-datasets", "data");

    /// <summary>Gets the README.</summary>
    public static string Readme => Path.Combine(Root, "README.md");

    /// <summary>Gets the folder screenshots are saved to (a test artifact).</summary>
    public static string Screenshots => Path.Combine(Root, "artifacts", "screenshots");

    /// <summary>
    /// Gets the local host's build in the configuration the tests were built in (Release in <c>./test.sh</c>, which
    /// builds it before the tests run).
    /// </summary>
    public static string LocalHostDll
    {
        get
        {
            var configuration = typeof(RepositoryPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            return Path.Combine(Functions, "Serverless.LocalHost", "bin", configuration, "net10.0", "Serverless.LocalHost.dll");
        }
    }
}
