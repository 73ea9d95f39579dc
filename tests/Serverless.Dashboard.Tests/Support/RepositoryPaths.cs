using System.Reflection;

namespace Serverless.Dashboard.Tests.Support;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class RepositoryPaths
{
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

    /// <summary>Gets the folder screenshots are saved to (a test artifact).</summary>
    public static string Screenshots => Path.Combine(Root, "artifacts", "screenshots");

    /// <summary>Gets the local host built in the same configuration as the tests.</summary>
    public static string LocalHostDll
    {
        get
        {
            var configuration = typeof(RepositoryPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var path = Path.Combine(Root, "functions", "Serverless.LocalHost", "bin", configuration, "net10.0", "Serverless.LocalHost.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"Build functions/Serverless.LocalHost first ({configuration}).", path);
        }
    }
}
