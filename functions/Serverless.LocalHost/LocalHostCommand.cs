using System.Globalization;
using System.Security.Cryptography;
using Serverless.Functions.Hosting;
using Serverless.Storage.Emulator;

namespace Serverless.LocalHost;

/// <summary>The local host's command line: settings for a fresh clone (emulator, key), then the host until stopped.</summary>
public static class LocalHostCommand
{
    /// <summary>The file a generated API key is written to, in the temp folder (mode 600).</summary>
    public const string KeyFileName = "serverless-api-key";

    /// <summary>Runs the host until it is stopped.</summary>
    /// <param name="args">The arguments (configuration overrides).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        var (settings, azurite) = await PrepareAsync(args).ConfigureAwait(false);
        string? emulatorFile = null;
        try
        {
            if (azurite is not null)
            {
                // The emulator's connection string holds only its well-known public development key; scripts (run.sh)
                // read it from this file to preview outputs with the CLI.
                emulatorFile = EmulatorConnectionFile(Environment.ProcessId);
                await File.WriteAllTextAsync(emulatorFile, azurite.ConnectionString).ConfigureAwait(false);
                await Console.Error.WriteLineAsync(
                    $"Started Azurite in memory (nothing listened on ports 10000-10002): blob 127.0.0.1:{azurite.BlobPort}, queue 127.0.0.1:{azurite.QueuePort}, table 127.0.0.1:{azurite.TablePort}; connection string in {emulatorFile}. It stops when the host stops.")
                    .ConfigureAwait(false);
            }

            await using var host = await LocalHostApp.StartAsync(args, settings).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"Local host listening on {host.BaseAddress} (task hub from Serverless__TaskHub).").ConfigureAwait(false);
            await host.WaitForShutdownAsync().ConfigureAwait(false);
        }
        finally
        {
            if (azurite is not null)
            {
                await azurite.DisposeAsync().ConfigureAwait(false);
            }

            if (emulatorFile is not null)
            {
                File.Delete(emulatorFile);
            }
        }

        return 0;
    }

    /// <summary>Gets the file the started emulator's connection string is written to.</summary>
    /// <param name="processId">The host's process id.</param>
    /// <returns>The path.</returns>
    public static string EmulatorConnectionFile(int processId) =>
        Path.Combine(Path.GetTempPath(), $"serverless-azurite-{processId.ToString(CultureInfo.InvariantCulture)}");

    private static async Task<(Dictionary<string, string?> Settings, AzuriteProcess? Azurite)> PrepareAsync(string[] args)
    {
        var probe = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        var local = LocalSettingsFile.Read(Path.Combine(Directory.GetCurrentDirectory(), LocalSettingsFile.FileName));
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var connectionString = StorageSettings.ConnectionString(probe) ?? local.GetValueOrDefault(StorageSettings.SettingName);
        if (connectionString is null)
        {
            // Nothing configured: the local emulator, as the Core Tools template does.
            connectionString = Storage.Connection.StorageAccount.DevelopmentStorage;
            settings[StorageSettings.SettingName] = connectionString;
        }

        var azurite = await DevelopmentStorage.StartIfNeededAsync(connectionString).ConfigureAwait(false);
        if (azurite is not null)
        {
            settings[StorageSettings.SettingName] = azurite.ConnectionString;
        }

        var hasKey = !string.IsNullOrEmpty(probe["Serverless:ApiKey"]) || !string.IsNullOrEmpty(local.GetValueOrDefault("Serverless:ApiKey"))
            || probe.GetSection("Serverless:ApiKeys").GetChildren().Any();
        if (!hasKey)
        {
            var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            settings["Serverless:ApiKey"] = key;
            var keyFile = Path.Combine(Path.GetTempPath(), KeyFileName);
            await File.WriteAllTextAsync(keyFile, key).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await Console.Error.WriteLineAsync($"No Serverless__ApiKey is set: generated one for this run and wrote it to {keyFile}.").ConfigureAwait(false);
        }

        return (settings, azurite);
    }
}
