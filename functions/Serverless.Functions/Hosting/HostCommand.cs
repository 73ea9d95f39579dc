using System.Security.Cryptography;
using Serverless.Storage.Emulator;

namespace Serverless.Functions.Hosting;

/// <summary>Runs the app as a server: under the Functions host, or standalone (starting Azurite when needed).</summary>
public static class HostCommand
{
    /// <summary>The file name (in the temp folder) a standalone host writes a generated API key to.</summary>
    public const string KeyFileName = "serverless-api-key";

    /// <summary>Runs until stopped (Ctrl+C, SIGTERM).</summary>
    /// <param name="args">Arguments.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        var (settings, azurite, keyFile) = await PrepareAsync(args).ConfigureAwait(false);
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

            if (keyFile is not null)
            {
                await Console.Error.WriteLineAsync($"No Serverless__ApiKey is set: generated one for this run and wrote it to {keyFile}.").ConfigureAwait(false);
            }

            var app = FunctionsApp.Build(args, settings);
            await app.RunAsync().ConfigureAwait(false);
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

    /// <summary>Gets the file a standalone host that started Azurite writes the emulator's connection string to.</summary>
    /// <param name="processId">The host's process id.</param>
    /// <returns>The path, in the temp folder.</returns>
    public static string EmulatorConnectionFile(int processId) =>
        Path.Combine(Path.GetTempPath(), $"serverless-azurite-{processId.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Works out the settings a standalone host needs beyond the configured ones: the emulator's connection string
    /// when Azurite had to be started, and a generated API key when none is set.
    /// </summary>
    /// <param name="args">Arguments.</param>
    /// <param name="writeKeyFile">Whether to write a generated key to a file (the CLI's embedded host keeps it in memory).</param>
    /// <returns>The extra settings, the started emulator (or null) and the key file (or null).</returns>
    internal static async Task<(Dictionary<string, string?> Settings, AzuriteProcess? Azurite, string? KeyFile)> PrepareAsync(string[] args, bool writeKeyFile = true)
    {
        var probe = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        var local = LocalSettingsFile.Read(Path.Combine(Directory.GetCurrentDirectory(), LocalSettingsFile.FileName));
        var mode = FunctionsApp.ModeOf(probe);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (mode != HostingMode.Standalone)
        {
            return (settings, null, null);
        }

        var connectionString = StorageSettings.ConnectionString(probe) ?? local.GetValueOrDefault(StorageSettings.SettingName);
        if (connectionString is null && string.IsNullOrEmpty(probe["AzureWebJobsStorage:blobServiceUri"]) && string.IsNullOrEmpty(local.GetValueOrDefault("AzureWebJobsStorage:blobServiceUri")))
        {
            // Standalone with nothing configured: the local emulator, as the Core Tools template does.
            connectionString = Storage.Connection.StorageAccount.DevelopmentStorage;
            settings[StorageSettings.SettingName] = connectionString;
        }

        var azurite = await DevelopmentStorage.StartIfNeededAsync(connectionString).ConfigureAwait(false);
        if (azurite is not null)
        {
            settings[StorageSettings.SettingName] = azurite.ConnectionString;
        }

        string? keyFile = null;
        if (string.IsNullOrEmpty(probe["Serverless:ApiKey"]) && string.IsNullOrEmpty(local.GetValueOrDefault("Serverless:ApiKey")))
        {
            var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            settings["Serverless:ApiKey"] = key;
            if (writeKeyFile)
            {
                keyFile = Path.Combine(Path.GetTempPath(), KeyFileName);
                await File.WriteAllTextAsync(keyFile, key).ConfigureAwait(false);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
        }

        return (settings, azurite, keyFile);
    }
}
