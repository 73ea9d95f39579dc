using System.Diagnostics;
using System.IO.Compression;
using Serverless.Infra.Tests.Bicep;

namespace Serverless.Infra.Tests.DeployScript;

/// <summary>
/// A sandbox to run infra-bicep/deploy.sh in: stand-ins for the tools it calls (FakeTools/) first on PATH, a DAG folder
/// and a sample data folder of the test's own, and what the stand-ins kept (calls, the deployed zip, uploaded blobs).
/// No Azure access is needed or attempted.
/// </summary>
public sealed class DeployScriptRun : IDisposable
{
    /// <summary>The object ID the fake az reports for the signed-in user.</summary>
    public const string DeployerId = "00000000-0000-0000-0000-0000000000aa";

    /// <summary>The resource group the tests deploy to.</summary>
    public const string ResourceGroup = "rg-fake";

    private readonly string bin;
    private readonly string log;

    /// <summary>Initializes a new instance of the <see cref="DeployScriptRun"/> class.</summary>
    /// <param name="tools">The stand-ins to put on PATH; real tools of the same name are hidden behind them.</param>
    public DeployScriptRun(params string[] tools)
    {
        this.Root = Path.Combine(Path.GetTempPath(), "serverless-deploy-" + Guid.NewGuid().ToString("N")[..8]);
        this.bin = Path.Combine(this.Root, "bin");
        this.log = Path.Combine(this.Root, "calls.log");
        this.DagFolder = Path.Combine(this.Root, "dags");
        this.DataFolder = Path.Combine(this.Root, "sample-data");
        Directory.CreateDirectory(this.bin);
        foreach (string tool in tools)
        {
            string target = Path.Combine(this.bin, tool);
            File.Copy(Path.Combine(AppContext.BaseDirectory, "FakeTools", tool), target);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        // A DAG tree as users keep one: folders per team, SQL and scripts beside the DAGs, notes that stay behind.
        this.Write("dags/hello.yaml", "id: hello\n");
        this.Write("dags/stocks.json", "{}\n");
        this.Write("dags/README.md", "not a DAG\n");
        this.Write("dags/team-a/daily.yml", "id: daily\n");
        this.Write("dags/team-a/sql/daily.sql", "SELECT 1\n");
        this.Write("dags/team-a/scripts/job.py", "print('job')\n");
        this.Write("dags/.drafts/wip.yaml", "id: wip\n");
        foreach (string file in SampleFiles)
        {
            this.Write("sample-data/" + file, "sample " + file + "\n");
        }
    }

    /// <summary>Gets the sample data files deploy.sh uploads with --with-data.</summary>
    public static IReadOnlyList<string> SampleFiles { get; } = ["flights-3m.parquet", "airports.csv", "stocks.csv", "seattle-weather.csv"];

    /// <summary>Gets the DAG files of the test tree that must be uploaded, by their relative paths.</summary>
    public static IReadOnlyList<string> DagBlobs { get; } =
        ["hello.yaml", "stocks.json", "team-a/daily.yml", "team-a/scripts/job.py", "team-a/sql/daily.sql"];

    /// <summary>Gets the sandbox folder.</summary>
    public string Root { get; }

    /// <summary>Gets the DAG folder to pass with --dags.</summary>
    public string DagFolder { get; }

    /// <summary>Gets the sample data folder to pass with --data.</summary>
    public string DataFolder { get; }

    /// <summary>Gets the path of the zip the fake az received for the Flex deployment.</summary>
    public string DeployedZip => Path.Combine(this.Root, "deployed.zip");

    /// <summary>Gets the outputs of the deployment the fake az and azd report, as FAKE_* variables.</summary>
    /// <returns>Output name to value.</returns>
    public static Dictionary<string, string> Outputs() => new(StringComparer.Ordinal)
    {
        ["FAKE_AZURE_RESOURCE_GROUP"] = ResourceGroup,
        ["FAKE_FUNCTION_APP_NAME"] = "func-fake",
        ["FAKE_FUNCTION_APP_URL"] = "https://func-fake.azurewebsites.net",
        ["FAKE_STORAGE_ACCOUNT_NAME"] = "stfake",
        ["FAKE_DAG_CONTAINER"] = "dags",
        ["FAKE_SPARK_DATA_CONTAINER"] = "data",
        ["FAKE_SPARK_SCRIPTS_CONTAINER"] = "spark-scripts",
        ["FAKE_KEY_VAULT_NAME"] = "kv-fake",
        ["FAKE_API_KEY_SECRETS"] = "default=api-key-default ci=api-key-ci",
        ["FAKE_MANAGED_IDENTITY_PRINCIPAL_ID"] = "00000000-0000-0000-0000-0000000000bb",
        ["FAKE_SPARK_BACKEND"] = "local",
    };

    /// <summary>Gets the blobs the fake az received for a container, by name.</summary>
    /// <param name="container">The container.</param>
    /// <returns>The blob names, ordered.</returns>
    public IReadOnlyList<string> Blobs(string container)
    {
        string folder = Path.Combine(this.Root, "blobs", container);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
    }

    /// <summary>Gets the content of a blob the fake az received.</summary>
    /// <param name="container">The container.</param>
    /// <param name="name">The blob name.</param>
    /// <returns>The content.</returns>
    public string BlobText(string container, string name) => File.ReadAllText(Path.Combine(this.Root, "blobs", container, name));

    /// <summary>Gets the file names (not folders) in the deployed zip.</summary>
    /// <returns>The entry names, ordered.</returns>
    public IReadOnlyList<string> DeployedEntries()
    {
        using ZipArchive zip = ZipFile.OpenRead(this.DeployedZip);
        return zip.Entries.Where(e => !e.FullName.EndsWith('/')).Select(e => e.FullName).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Gets one file of the deployed zip as text.</summary>
    /// <param name="name">The entry name.</param>
    /// <returns>The content.</returns>
    public string DeployedText(string name)
    {
        using ZipArchive zip = ZipFile.OpenRead(this.DeployedZip);
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    /// <summary>Queues answers of the Durable Functions instance query, one per call.</summary>
    /// <param name="responses">JSON arrays of instances.</param>
    public void QueueInstanceResponses(params string[] responses) =>
        File.WriteAllLines(Path.Combine(this.Root, "instances"), responses);

    /// <summary>Runs deploy.sh with <paramref name="arguments"/>.</summary>
    /// <param name="environment">Extra environment variables (fake outputs, secrets).</param>
    /// <param name="arguments">The script's arguments.</param>
    /// <returns>The result and the calls the stand-ins recorded, one per line.</returns>
    public async Task<(ProcessResult Result, string[] Calls)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = this.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(BicepCli.InfraDirectory, "deploy.sh"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = this.bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["FAKE_AZ_LOG"] = this.log;
        start.Environment["FAKE_AZ_DIR"] = this.Root;
        start.Environment["FAKE_DEPLOYER_ID"] = DeployerId;
        foreach (string name in new[] { "SERVERLESS_API_KEY", "SERVERLESS_API_KEY_CI", "DATABRICKS_TOKEN", "SERVERLESS_REPO_ROOT" })
        {
            start.Environment.Remove(name);
        }

        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var result = new ProcessResult(process.ExitCode, await stdout, await stderr);
        string calls = File.Exists(this.log) ? await File.ReadAllTextAsync(this.log) : string.Empty;
        return (result, calls.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Fails the test with the transcript and the calls unless the run succeeded.</summary>
    /// <param name="run">A result of <see cref="RunAsync"/>.</param>
    public static void AssertSucceeded((ProcessResult Result, string[] Calls) run) =>
        Assert.True(run.Result.ExitCode == 0, $"{run.Result.Transcript}\n--- calls ---\n{string.Join('\n', run.Calls)}");

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(this.Root, recursive: true);

    private void Write(string relativePath, string content)
    {
        string path = Path.Combine(this.Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
