using System.Security.Cryptography;
using Serverless.Infra.Tests.Bicep;

namespace Serverless.Infra.Tests.DeployScript;

/// <summary>
/// Runs deploy.sh end to end against stand-ins for az, azd, curl and dotnet, and checks the calls it makes, the
/// package it deploys and the files it uploads. DeployScriptPublishTests does the same on a real publish output.
/// </summary>
public sealed class DeployScriptRunTests : IDisposable
{
    private readonly DeployScriptRun sandbox = new("az", "azd", "curl", "dotnet");

    [Fact]
    public async Task Deploy_OneCommand_DeploysTemplateSecretsPackageDagsDataAndUnpauses()
    {
        var run = await this.sandbox.RunAsync(
            DeployScriptRun.Outputs(),
            "-g", DeployScriptRun.ResourceGroup, "-e", "test", "--dags", this.sandbox.DagFolder,
            "--with-data", "--data", this.sandbox.DataFolder, "--unpause", "hello", "daily");
        DeployScriptRun.AssertSucceeded(run);
        string[] calls = run.Calls;
        string infra = BicepCli.InfraDirectory;

        Assert.Contains(
            $"az deployment group create --resource-group {DeployScriptRun.ResourceGroup} --name serverless --template-file {infra}/main.bicep " +
            $"--parameters environmentName=test deployerPrincipalId={DeployScriptRun.DeployerId} deployerPrincipalType=User --output none",
            calls);
        Assert.Contains(calls, c => c.StartsWith($"dotnet publish {BicepCli.RepositoryRoot.TrimEnd('/')}/functions/Serverless.Functions -c Release -r linux-x64 --self-contained false -o ", StringComparison.Ordinal));
        Assert.Single(calls, c => c.StartsWith($"az functionapp deployment source config-zip --resource-group {DeployScriptRun.ResourceGroup} --name func-fake --src ", StringComparison.Ordinal));
        Assert.Equal(
            [".azurefunctions/Microsoft.Azure.WebJobs.Extensions.DurableTask.dll", "Serverless.Functions.dll", "functions.metadata", "host.json", "worker.config.json"],
            this.sandbox.DeployedEntries());

        Assert.Equal(DeployScriptRun.DagBlobs, this.sandbox.Blobs("dags"));
        Assert.Equal("SELECT 1\n", this.sandbox.BlobText("dags", "team-a/sql/daily.sql"));
        // Files before code, so a freshly started app loads the new DAGs; unpausing after both.
        int lastUpload = Array.FindLastIndex(calls, c => c.StartsWith("az storage blob upload ", StringComparison.Ordinal));
        int deploy = Array.FindIndex(calls, c => c.StartsWith("az functionapp deployment source config-zip ", StringComparison.Ordinal));
        int firstUnpause = Array.FindIndex(calls, c => c.StartsWith("curl ", StringComparison.Ordinal));
        Assert.True(lastUpload < deploy && deploy < firstUnpause, "expected uploads, then the deployment, then unpausing");
        Assert.Equal(DeployScriptRun.SampleFiles.Select(f => "samples/" + f).Order(StringComparer.Ordinal), this.sandbox.Blobs("data"));

        // The name the Spark layer gives the runner: the first 12 hex digits of the SHA-256 of its content.
        byte[] runner = File.ReadAllBytes(Path.Combine(BicepCli.RepositoryRoot, "orchestrations/spark/sql_runner.py"));
        Assert.Equal([$"runner/sql_runner-{Convert.ToHexStringLower(SHA256.HashData(runner))[..12]}.py"], this.sandbox.Blobs("spark-scripts"));

        // Unpausing calls the app with the default key in a header file, never on a command line.
        Assert.Contains(calls, c => c.StartsWith("curl ", StringComparison.Ordinal) && c.EndsWith(" https://func-fake.azurewebsites.net/api/dags/hello/unpause", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("curl ", StringComparison.Ordinal) && c.EndsWith(" https://func-fake.azurewebsites.net/api/dags/daily/unpause", StringComparison.Ordinal));
        Assert.Contains("az keyvault secret show --vault-name kv-fake --name api-key-default --query value --output tsv", calls);
        Assert.Contains("curl-header x-functions-key: fake-api-key", calls);
        Assert.DoesNotContain(calls, c => c.StartsWith("curl ", StringComparison.Ordinal) && c.Contains("fake-api-key", StringComparison.Ordinal));

        AssertSummary(run.Result.StandardOutput);
    }

    [Fact]
    public async Task Deploy_NoKeysInVault_GeneratesOneSecretPerNamedKeyOffTheCommandLine()
    {
        Dictionary<string, string> environment = DeployScriptRun.Outputs();
        environment["SERVERLESS_API_KEY_CI"] = "key-from-the-environment";

        var run = await this.sandbox.RunAsync(environment, "-g", DeployScriptRun.ResourceGroup, "--dags", this.sandbox.DagFolder);
        DeployScriptRun.AssertSucceeded(run);
        string[] calls = run.Calls;

        // A generated key: 32 random bytes as hex, passed in a file and never on a command line.
        string generated = Assert.Single(calls, c => c.StartsWith("secret-file-content api-key-default ", StringComparison.Ordinal))["secret-file-content api-key-default ".Length..];
        Assert.Matches("^[0-9a-f]{64}$", generated);
        Assert.Single(calls, c => c.Contains(generated, StringComparison.Ordinal));
        // A given key is stored as is, and the vault is not asked whether it exists.
        Assert.Contains("secret-file-content api-key-ci key-from-the-environment", calls);
        Assert.DoesNotContain(calls, c => c.StartsWith("az keyvault secret show ", StringComparison.Ordinal) && c.Contains("api-key-ci", StringComparison.Ordinal));
        Assert.DoesNotContain(calls, c => c.StartsWith("az ", StringComparison.Ordinal) && c.Contains("key-from-the-environment", StringComparison.Ordinal));

        // Secrets go in before the code: the app refuses to start on an unresolved Key Vault reference.
        int lastSecret = Array.FindLastIndex(calls, c => c.StartsWith("az keyvault secret set ", StringComparison.Ordinal));
        int deploy = Array.FindIndex(calls, c => c.StartsWith("az functionapp deployment source config-zip ", StringComparison.Ordinal));
        Assert.InRange(lastSecret, 0, deploy - 1);
        // No --with-data: the data container is left alone.
        Assert.Empty(this.sandbox.Blobs("data"));
    }

    [Fact]
    public async Task Deploy_ExistingKeys_AreKept()
    {
        Dictionary<string, string> environment = DeployScriptRun.Outputs();
        environment["FAKE_EXISTING_SECRETS"] = "api-key-default api-key-ci";

        var run = await this.sandbox.RunAsync(environment, "-g", DeployScriptRun.ResourceGroup, "--skip-app", "--skip-files");
        DeployScriptRun.AssertSucceeded(run);

        Assert.DoesNotContain(run.Calls, c => c.StartsWith("az keyvault secret set ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deploy_PublishOutputWithoutWorkerFiles_FailsBeforeDeploying()
    {
        Dictionary<string, string> environment = DeployScriptRun.Outputs();
        environment["FAKE_DOTNET_OUTPUT"] = "incomplete";

        var run = await this.sandbox.RunAsync(environment, "-g", DeployScriptRun.ResourceGroup, "--dags", this.sandbox.DagFolder);

        Assert.NotEqual(0, run.Result.ExitCode);
        Assert.Contains("functions.metadata worker.config.json .azurefunctions/ missing", run.Result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Calls, c => c.Contains("config-zip", StringComparison.Ordinal));
        Assert.Empty(this.sandbox.Blobs("dags"));
    }

    [Fact]
    public async Task Deploy_PublishFails_StopsBeforeDeployingWithTheBuildErrors()
    {
        Dictionary<string, string> environment = DeployScriptRun.Outputs();
        environment["FAKE_DOTNET_OUTPUT"] = "fail";

        var run = await this.sandbox.RunAsync(environment, "-g", DeployScriptRun.ResourceGroup, "--dags", this.sandbox.DagFolder);

        Assert.NotEqual(0, run.Result.ExitCode);
        Assert.Contains("error CS1002", run.Result.StandardError, StringComparison.Ordinal);
        Assert.Contains("dotnet publish functions/Serverless.Functions failed", run.Result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Calls, c => c.Contains("config-zip", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deploy_Drain_WaitsUntilNoRunIsInFlightThenDeploys()
    {
        Dictionary<string, string> environment = DeployScriptRun.Outputs();
        environment["SERVERLESS_DRAIN_POLL_SECONDS"] = "0";
        this.sandbox.QueueInstanceResponses(
            """[{"instanceId":"hello__manual-1","runtimeStatus":"Running"},{"instanceId":"stocks__manual-2","runtimeStatus":"Pending"}]""",
            """[{"instanceId":"stocks__manual-2","runtimeStatus":"Running"}]""");

        var run = await this.sandbox.RunAsync(environment, "-g", DeployScriptRun.ResourceGroup, "--skip-infra", "--skip-files", "--drain");
        DeployScriptRun.AssertSucceeded(run);
        string[] calls = run.Calls;

        string query = "https://func-fake.azurewebsites.net/runtime/webhooks/durabletask/instances?runtimeStatus=Running,Pending&top=1000";
        int[] polls = calls.Select((c, i) => (c, i)).Where(x => x.c.StartsWith("curl ", StringComparison.Ordinal) && x.c.EndsWith(query, StringComparison.Ordinal)).Select(x => x.i).ToArray();
        int deploy = Array.FindIndex(calls, c => c.StartsWith("az functionapp deployment source config-zip ", StringComparison.Ordinal));
        Assert.Equal(3, polls.Length);
        Assert.True(deploy > polls[^1], "the package was deployed while runs were in flight");
        Assert.Contains("az functionapp keys list --resource-group rg-fake --name func-fake --query systemKeys.durabletask_extension --output tsv", calls);
        Assert.Contains("curl-header x-functions-key: fake-durable-system-key", calls);
        Assert.Contains("2 runs in flight", run.Result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(calls, c => c.StartsWith("az deployment group create ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deploy_DrainTimeout_FailsWithoutDeploying()
    {
        Dictionary<string, string> environment = DeployScriptRun.Outputs();
        environment["SERVERLESS_DRAIN_POLL_SECONDS"] = "0";
        environment["SERVERLESS_DRAIN_TIMEOUT_SECONDS"] = "0";
        this.sandbox.QueueInstanceResponses("""[{"instanceId":"hello__manual-1","runtimeStatus":"Running"}]""");

        var run = await this.sandbox.RunAsync(environment, "-g", DeployScriptRun.ResourceGroup, "--skip-infra", "--skip-files", "--drain");

        Assert.NotEqual(0, run.Result.ExitCode);
        Assert.Contains("1 runs still in flight", run.Result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Calls, c => c.Contains("config-zip", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deploy_UnpauseUnknownDag_RetriesThenFailsWithTheStatus()
    {
        Dictionary<string, string> environment = DeployScriptRun.Outputs();
        environment["FAKE_CURL_STATUS"] = "404";
        environment["SERVERLESS_API_RETRY_SECONDS"] = "0";

        var run = await this.sandbox.RunAsync(environment, "-g", DeployScriptRun.ResourceGroup, "--skip-infra", "--skip-app", "--skip-files", "--unpause", "nope");

        // A running app may not have re-read the DAG container yet, so a 404 is retried before it fails.
        Assert.NotEqual(0, run.Result.ExitCode);
        Assert.Contains("POST /api/dags/nope/unpause kept failing (HTTP 404)", run.Result.StandardError, StringComparison.Ordinal);
        Assert.Equal(12, run.Calls.Count(c => c.StartsWith("curl ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Deploy_FromAzdHooks_ReadsTheAzdEnvironmentAndUploadsWithoutDeploying()
    {
        // What azure.yaml's postdeploy hook runs after azd deployed the infrastructure and the code.
        var run = await this.sandbox.RunAsync(
            DeployScriptRun.Outputs(), "--from-azd", "--skip-app", "--with-data", "--dags", this.sandbox.DagFolder, "--data", this.sandbox.DataFolder);
        DeployScriptRun.AssertSucceeded(run);
        string[] calls = run.Calls;

        Assert.Contains("azd env get-values", calls);
        Assert.DoesNotContain(calls, c => c.StartsWith("az deployment ", StringComparison.Ordinal));
        Assert.DoesNotContain(calls, c => c.StartsWith("dotnet ", StringComparison.Ordinal) || c.Contains("config-zip", StringComparison.Ordinal));
        Assert.Equal(DeployScriptRun.DagBlobs, this.sandbox.Blobs("dags"));
        Assert.Equal(4, this.sandbox.Blobs("data").Count);
        AssertSummary(run.Result.StandardOutput);
    }

    [Fact]
    public async Task Deploy_NotSignedIn_FailsBeforeDeployingWithAClearMessage()
    {
        Dictionary<string, string> environment = DeployScriptRun.Outputs();
        environment["FAKE_AZ_LOGGED_OUT"] = "1";

        var run = await this.sandbox.RunAsync(environment, "-g", DeployScriptRun.ResourceGroup, "--dags", this.sandbox.DagFolder);

        Assert.NotEqual(0, run.Result.ExitCode);
        Assert.Contains("run 'az login'", run.Result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Calls, c => c.Contains("deployment group create", StringComparison.Ordinal));
    }

    public void Dispose() => this.sandbox.Dispose();

    /// <summary>Checks the closing summary: API URL, how to read a key, the Durable system key and a hello trigger.</summary>
    /// <param name="stdout">What deploy.sh printed on standard output.</param>
    internal static void AssertSummary(string stdout)
    {
        Assert.Contains("API:        https://func-fake.azurewebsites.net/api", stdout, StringComparison.Ordinal);
        Assert.Contains("az keyvault secret show --vault-name kv-fake --name api-key-default --query value -o tsv", stdout, StringComparison.Ordinal);
        Assert.Contains("az functionapp keys list -g rg-fake -n func-fake --query systemKeys.durabletask_extension -o tsv", stdout, StringComparison.Ordinal);
        Assert.Contains(
            """curl -si -X POST "https://func-fake.azurewebsites.net/api/dags/hello/runs" -H "x-functions-key: $KEY" """,
            stdout,
            StringComparison.Ordinal);
        Assert.DoesNotContain("fake-api-key", stdout, StringComparison.Ordinal);
    }
}
