using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using Serverless.Infra.Tests.Bicep;

namespace Serverless.Infra.Tests;

/// <summary>
/// Runs deploy.sh end to end against stand-ins for az and dotnet (FakeTools/) and a small repository tree, and checks
/// the calls it makes and the package it builds. No Azure access is needed or attempted.
/// </summary>
public sealed class DeployScriptRunTests : IDisposable
{
    private const string DeployerId = "00000000-0000-0000-0000-0000000000aa";
    private const string ResourceGroup = "rg-fake";
    private readonly string root = Path.Combine(Path.GetTempPath(), "serverless-deploy-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string repo;
    private readonly string bin;
    private readonly string log;

    public DeployScriptRunTests()
    {
        this.repo = Path.Combine(this.root, "repo");
        this.bin = Path.Combine(this.root, "bin");
        this.log = Path.Combine(this.root, "calls.log");
        Directory.CreateDirectory(this.bin);
        foreach (string tool in new[] { "az", "dotnet" })
        {
            string target = Path.Combine(this.bin, tool);
            File.Copy(Path.Combine(AppContext.BaseDirectory, "FakeTools", tool), target);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        this.Write("functions/host.json", """{ "version": "2.0" }""");
        this.Write("functions/HttpApi/function.json", """{ "bindings": [] }""");
        this.Write("functions/ControlQueue/function.json", """{ "bindings": [] }""");
        this.Write("functions/Serverless.Functions/Serverless.Functions.csproj", "<Project />");
        this.Write("orchestrations/dags/hello.yaml", "id: hello\n");
        this.Write("orchestrations/dags/stocks.json", "{}\n");
        this.Write("orchestrations/dags/README.md", "not a DAG\n");
        this.Write("orchestrations/spark/sql_runner.py", "print('runner')\n");
    }

    [Fact]
    public async Task Deploy_FlexConsumption_DeploysTemplateSecretsPackageAndFiles()
    {
        ProcessResult result = await this.RunAsync(FlexOutputs(), "-g", ResourceGroup, "-e", "test");
        string[] calls = await this.CallsAsync(result);
        string infra = BicepCli.InfraDirectory;

        Assert.Contains(
            $"az deployment group create --resource-group {ResourceGroup} --name serverless --template-file {infra}/main.bicep " +
            $"--parameters @{infra}/main.parameters.json environmentName=test deployerPrincipalId={DeployerId} deployerPrincipalType=User --output none",
            calls);
        Assert.Contains(calls, c => c.StartsWith($"dotnet publish {this.repo}/functions/Serverless.Functions -c Release -r linux-x64 --self-contained -o ", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith($"az functionapp deployment source config-zip --resource-group {ResourceGroup} --name func-fake --src ", StringComparison.Ordinal));
        Assert.DoesNotContain(calls, c => c.Contains("--name serverless-functions.zip", StringComparison.Ordinal));

        // A generated API key: 32 random bytes as hex, passed in a file and never on a command line.
        string key = Assert.Single(calls, c => c.StartsWith("secret-file-content ", StringComparison.Ordinal))["secret-file-content ".Length..];
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.Contains(calls, c => c.StartsWith("az keyvault secret set --vault-name kv-fake --name serverless-api-key --file ", StringComparison.Ordinal));
        Assert.Single(calls, c => c.Contains(key, StringComparison.Ordinal));

        this.AssertPackage();
        this.AssertFilesUploaded(calls);
    }

    [Fact]
    public async Task Deploy_ElasticPremium_UploadsPackageBlobAndRestarts()
    {
        Dictionary<string, string> outputs = FlexOutputs();
        outputs["FAKE_FUNCTION_APP_HOSTING_PLAN"] = "ElasticPremium";
        outputs["SERVERLESS_API_KEY"] = "key-from-the-environment";

        ProcessResult result = await this.RunAsync(outputs, "-g", ResourceGroup, "-p", "ElasticPremium", "-s", "none");
        string[] calls = await this.CallsAsync(result);

        Assert.Contains(calls, c => c.StartsWith("az deployment group create ", StringComparison.Ordinal) && c.Contains(" hostingPlan=ElasticPremium sparkBackend=none ", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("az storage blob upload --auth-mode login --account-name stfake --container-name app-package --name serverless-functions.zip --file ", StringComparison.Ordinal));
        Assert.Contains($"az functionapp restart --resource-group {ResourceGroup} --name func-fake --output none", calls);
        Assert.DoesNotContain(calls, c => c.Contains("config-zip", StringComparison.Ordinal));
        // The given key is stored as is, and the vault is not asked whether one exists.
        Assert.Contains("secret-file-content key-from-the-environment", calls);
        Assert.DoesNotContain(calls, c => c.StartsWith("az keyvault secret show ", StringComparison.Ordinal));

        this.AssertPackage();
    }

    [Fact]
    public async Task Deploy_NotSignedIn_FailsBeforeDeployingWithAClearMessage()
    {
        Dictionary<string, string> outputs = FlexOutputs();
        outputs["FAKE_AZ_LOGGED_OUT"] = "1";

        ProcessResult result = await this.RunAsync(outputs, "-g", ResourceGroup);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("run 'az login'", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("deployment group create", await File.ReadAllTextAsync(this.log), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(this.root, recursive: true);

    private static Dictionary<string, string> FlexOutputs() => new(StringComparer.Ordinal)
    {
        ["FAKE_FUNCTION_APP_NAME"] = "func-fake",
        ["FAKE_FUNCTION_APP_URL"] = "https://func-fake.azurewebsites.net",
        ["FAKE_FUNCTION_APP_HOSTING_PLAN"] = "FlexConsumption",
        ["FAKE_STORAGE_ACCOUNT_NAME"] = "stfake",
        ["FAKE_DEPLOYMENT_CONTAINER"] = "app-package",
        ["FAKE_DEPLOYMENT_PACKAGE_URL"] = "https://stfake.blob.core.windows.net/app-package/serverless-functions.zip",
        ["FAKE_DAG_CONTAINER"] = "dags",
        ["FAKE_SPARK_SCRIPTS_CONTAINER"] = "spark-scripts",
        ["FAKE_KEY_VAULT_NAME"] = "kv-fake",
        ["FAKE_API_KEY_SECRET_NAME"] = "serverless-api-key",
        ["FAKE_MANAGED_IDENTITY_PRINCIPAL_ID"] = "00000000-0000-0000-0000-0000000000bb",
        ["FAKE_SPARK_BACKEND"] = "local",
    };

    private void AssertPackage()
    {
        using ZipArchive zip = ZipFile.OpenRead(Path.Combine(this.root, "deployed.zip"));
        string[] expected = ["ControlQueue/function.json", "HttpApi/function.json", "Serverless.Functions", "Serverless.Functions.dll", "host.json"];
        Assert.Equal(expected, zip.Entries.Where(e => !e.FullName.EndsWith('/')).Select(e => e.FullName).Order(StringComparer.Ordinal));

        // Unix permissions live in the high 16 bits of the external attributes; the host must be able to start it.
        int mode = (zip.GetEntry("Serverless.Functions")!.ExternalAttributes >> 16) & 0x1FF;
        Assert.True((mode & 0x49) == 0x49, $"Serverless.Functions has mode {Convert.ToString(mode, 8)} in the zip");
    }

    private void AssertFilesUploaded(string[] calls)
    {
        string Upload(string container, string name) =>
            $"az storage blob upload --auth-mode login --account-name stfake --container-name {container} --name {name} --file ";

        Assert.Contains(calls, c => c.StartsWith(Upload("dags", "hello.yaml"), StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith(Upload("dags", "stocks.json"), StringComparison.Ordinal));
        Assert.DoesNotContain(calls, c => c.Contains("--name README.md", StringComparison.Ordinal));

        // The name the Spark layer gives the runner: the first 12 hex digits of the SHA-256 of its content.
        byte[] runner = File.ReadAllBytes(Path.Combine(this.repo, "orchestrations/spark/sql_runner.py"));
        string hash = Convert.ToHexStringLower(SHA256.HashData(runner))[..12];
        Assert.Contains(calls, c => c.StartsWith(Upload("spark-scripts", $"runner/sql_runner-{hash}.py"), StringComparison.Ordinal));
    }

    private async Task<string[]> CallsAsync(ProcessResult result)
    {
        string calls = File.Exists(this.log) ? await File.ReadAllTextAsync(this.log) : string.Empty;
        Assert.True(result.ExitCode == 0, $"{result.Transcript}\n--- calls ---\n{calls}");
        return calls.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private async Task<ProcessResult> RunAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = this.root,
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
        start.Environment["SERVERLESS_REPO_ROOT"] = this.repo;
        start.Environment["FAKE_AZ_LOG"] = this.log;
        start.Environment["FAKE_AZ_DIR"] = this.root;
        start.Environment["FAKE_DEPLOYER_ID"] = DeployerId;
        start.Environment.Remove("SERVERLESS_API_KEY");
        start.Environment.Remove("DATABRICKS_TOKEN");
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private void Write(string relativePath, string content)
    {
        string path = Path.Combine(this.repo, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
