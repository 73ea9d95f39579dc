using System.Reflection;
using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests.Bicep;

/// <summary>
/// The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package that restore downloaded (see the csproj), and the
/// repository the templates live in.
/// </summary>
public static partial class BicepCli
{
    /// <summary>Gets the path of the bicep executable.</summary>
    public static string ExecutablePath { get; } = Metadata("BicepCliPath");

    /// <summary>Gets the repository root (the folder with Serverless.sln).</summary>
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    /// <summary>Gets the infra-bicep folder.</summary>
    public static string InfraDirectory => Path.Combine(RepositoryRoot, "infra-bicep");

    /// <summary>Makes sure the binary exists and may be executed (NuGet extracts it without the execute bit).</summary>
    public static void EnsureExecutable()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new FileNotFoundException(
                $"Bicep CLI not found at {ExecutablePath}. Run 'dotnet restore tests/Serverless.Infra.Tests' to download it.",
                ExecutablePath);
        }

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        UnixFileMode mode = File.GetUnixFileMode(ExecutablePath);
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(ExecutablePath, mode | execute);
        }
    }

    /// <summary>Runs bicep with <paramref name="arguments"/> from the repository root.</summary>
    /// <returns>The result of the run.</returns>
    public static Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(ExecutablePath, arguments, RepositoryRoot);

    /// <summary>Extracts the warnings and errors Bicep printed, one per line.</summary>
    /// <param name="output">What Bicep wrote to standard error.</param>
    /// <returns>Each diagnostic line, for example <c>main.bicep(3,7) : Warning no-unused-params: ...</c>.</returns>
    public static IReadOnlyList<string> Diagnostics(string output) =>
        output.Split('\n').Select(line => line.Trim()).Where(line => DiagnosticLine().IsMatch(line)).ToList();

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");

    [GeneratedRegex(@"\) : (Warning|Error) ")]
    private static partial Regex DiagnosticLine();
}
