namespace Serverless.Functions.Tests.Support;

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

    public static string Functions => Path.Combine(Root, "functions");

    /// <summary>Gets the local host's Release build, which ./test.sh builds before the tests run.</summary>
    public static string LocalHostDll => Path.Combine(Functions, "Serverless.LocalHost", "bin", "Release", "net10.0", "Serverless.LocalHost.dll");
}
