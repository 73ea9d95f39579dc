namespace Serverless.Cli.Scratch;

/// <summary>A temporary folder of one test run (the DAG file the scratch host loads, its working directory), deleted on dispose.</summary>
public sealed class ScratchFolder : IDisposable
{
    private ScratchFolder(string path) => this.Path = path;

    /// <summary>Gets the folder's full path.</summary>
    public string Path { get; }

    /// <summary>Creates a new empty folder under the temp folder.</summary>
    /// <returns>The folder.</returns>
    public static ScratchFolder Create() => new(Directory.CreateTempSubdirectory("serverless-test-run-").FullName);

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Directory.Delete(this.Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
        catch (IOException)
        {
            // A file still held open by a stopping child: the temp folder's own cleanup takes it later.
        }
    }
}
