using System.Collections.Concurrent;
using System.Globalization;

namespace Serverless.Infra.Tests.Bicep;

/// <summary>
/// Runs the Bicep CLI once per test run: lint and build of every .bicep file under infra-bicep, and an offline
/// deployment snapshot of main.bicep for each <see cref="DeploymentChoice"/>. Nothing is written into the repository.
/// </summary>
public sealed class InfraFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, DeploymentSnapshot> snapshots = new(StringComparer.Ordinal);
    private readonly string workDirectory = Path.Combine(Path.GetTempPath(), "serverless-infra-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Gets the .bicep files under infra-bicep, relative to the repository root.</summary>
    public IReadOnlyList<string> BicepFiles { get; private set; } = [];

    /// <summary>Gets the result of `bicep lint` over every file.</summary>
    public ProcessResult? LintResult { get; private set; }

    /// <summary>Gets the result of `bicep build` over every file.</summary>
    public ProcessResult? BuildResult { get; private set; }

    /// <summary>Gets the compiled ARM JSON per file.</summary>
    public IReadOnlyDictionary<string, string> CompiledTemplates { get; private set; } = new Dictionary<string, string>();

    /// <summary>Gets the failures of snapshot runs, keyed by choice.</summary>
    public ConcurrentDictionary<string, string> SnapshotFailures { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the compiled ARM JSON of main.bicep.</summary>
    public string MainTemplate => this.CompiledTemplates[Path.Combine("infra-bicep", "main.bicep")];

    /// <summary>Gets the snapshot of a choice; fails the test with Bicep's output when it could not be produced.</summary>
    /// <param name="choice">The parameters.</param>
    /// <returns>The snapshot.</returns>
    public DeploymentSnapshot Snapshot(DeploymentChoice choice)
    {
        Assert.False(this.SnapshotFailures.TryGetValue(choice.Key, out string? failure), failure);
        return this.snapshots[choice.Key];
    }

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        BicepCli.EnsureExecutable();
        Directory.CreateDirectory(this.workDirectory);

        this.BicepFiles = Directory
            .EnumerateFiles(BicepCli.InfraDirectory, "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(BicepCli.RepositoryRoot, f))
            .Order(StringComparer.Ordinal)
            .ToList();

        // One lint and one build process cover every file (each Bicep start costs about two seconds of CPU);
        // the snapshots run beside them, a few at a time on the shared two-core machines.
        using var gate = new SemaphoreSlim(3);
        const string pattern = "infra-bicep/**/*.bicep";
        string buildDirectory = Path.Combine(this.workDirectory, "build");
        var work = new List<Task>
        {
            Gated(gate, async () => this.LintResult = await BicepCli.RunAsync("lint", "--pattern", pattern)),
            Gated(gate, async () => this.BuildResult = await BicepCli.RunAsync("build", "--pattern", pattern, "--outdir", buildDirectory)),
        };
        foreach (DeploymentChoice choice in DeploymentChoice.All)
        {
            work.Add(Gated(gate, () => this.SnapshotAsync(choice)));
        }

        await Task.WhenAll(work);

        var compiled = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in this.BicepFiles)
        {
            // --outdir keeps the folder layout below infra-bicep.
            string relative = Path.GetRelativePath("infra-bicep", file);
            string json = Path.Combine(buildDirectory, Path.ChangeExtension(relative, ".json"));
            if (File.Exists(json))
            {
                compiled[file] = await File.ReadAllTextAsync(json);
            }
        }

        this.CompiledTemplates = compiled;
    }

    /// <inheritdoc/>
    public Task DisposeAsync()
    {
        Directory.Delete(this.workDirectory, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task Gated(SemaphoreSlim gate, Func<Task> action)
    {
        await gate.WaitAsync();
        try
        {
            await action();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task SnapshotAsync(DeploymentChoice choice)
    {
        // A .bicepparam file must name its template by a relative path.
        string paramFile = Path.Combine(this.workDirectory, choice.Key + ".bicepparam");
        string template = Path.GetRelativePath(this.workDirectory, Path.Combine(BicepCli.InfraDirectory, "main.bicep")).Replace('\\', '/');
        string content = string.Create(
            CultureInfo.InvariantCulture,
            $"""
            using '{template}'

            param environmentName = 'test'
            param deployerPrincipalId = '{DeployerPrincipalId}'
            {choice.BicepParams()}

            """);
        await File.WriteAllTextAsync(paramFile, content);

        ProcessResult result = await BicepCli.RunAsync(
            "snapshot", paramFile, "--mode", "overwrite",
            "--subscription-id", SubscriptionId,
            "--tenant-id", TenantId,
            "--resource-group", ResourceGroup,
            "--location", Location);
        string snapshotFile = Path.ChangeExtension(paramFile, ".snapshot.json");
        if (result.ExitCode != 0 || !File.Exists(snapshotFile) || BicepCli.Diagnostics(result.StandardError).Count > 0)
        {
            this.SnapshotFailures[choice.Key] = $"bicep snapshot for {choice} failed:\n{result.Transcript}";
            if (!File.Exists(snapshotFile))
            {
                return;
            }
        }

        this.snapshots[choice.Key] = new DeploymentSnapshot(choice, await File.ReadAllTextAsync(snapshotFile));
    }

    /// <summary>The subscription the snapshots pretend to deploy to.</summary>
    public const string SubscriptionId = "00000000-0000-0000-0000-000000000001";

    /// <summary>The tenant the snapshots pretend to deploy to.</summary>
    public const string TenantId = "00000000-0000-0000-0000-000000000002";

    /// <summary>The resource group the snapshots pretend to deploy to.</summary>
    public const string ResourceGroup = "rg-serverless-test";

    /// <summary>The region the snapshots pretend to deploy to.</summary>
    public const string Location = "westeurope";

    /// <summary>The deployer object ID passed to the template.</summary>
    public const string DeployerPrincipalId = "00000000-0000-0000-0000-00000000d3b1";
}
