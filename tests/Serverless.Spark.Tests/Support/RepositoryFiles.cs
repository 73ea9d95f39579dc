namespace Serverless.Spark.Tests.Support;

/// <summary>Finds files of the repository from the test output folder.</summary>
internal static class RepositoryFiles
{
    public static string Root
    {
        get
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Serverless.sln not found above the test folder.");
        }
    }

    public static string Data(string name) => Path.Combine(Root, "node_modules", "vega-datasets", "data", name);
}
