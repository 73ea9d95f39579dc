using System.Globalization;
using System.Text.Json;

namespace Serverless.Cli.Hosting;

/// <summary>Works out which storage account a standalone host uses, so the CLI can preview outputs from the same one.</summary>
/// <remarks>
/// The order is the host's: the Azurite it started itself (it writes that emulator's connection string, holding only
/// the public development key, to <c>$TMPDIR/serverless-azurite-{pid}</c>), else <c>AzureWebJobsStorage</c> from the
/// environment, else from <c>local.settings.json</c> in its working directory, else the emulator on its default ports.
/// </remarks>
public static class StandaloneHostStorage
{
    /// <summary>The setting that names the storage account, as the Functions host reads it.</summary>
    public const string SettingName = "AzureWebJobsStorage";

    /// <summary>Finds the connection string.</summary>
    /// <param name="processId">The host's process id.</param>
    /// <param name="environment">Reads the environment the host was started with.</param>
    /// <param name="workingDirectory">The host's working directory.</param>
    /// <returns>The connection string.</returns>
    public static string Find(int processId, Func<string, string?> environment, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(workingDirectory);
        var emulatorFile = Path.Combine(Path.GetTempPath(), $"serverless-azurite-{processId.ToString(CultureInfo.InvariantCulture)}");
        if (File.Exists(emulatorFile))
        {
            return File.ReadAllText(emulatorFile).Trim();
        }

        return environment(SettingName) is { Length: > 0 } configured ? configured
            : FromLocalSettings(workingDirectory) ?? "UseDevelopmentStorage=true";
    }

    private static string? FromLocalSettings(string workingDirectory)
    {
        var file = Path.Combine(workingDirectory, "local.settings.json");
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.TryGetProperty("Values", out var values)
                && values.ValueKind == JsonValueKind.Object
                && values.TryGetProperty(SettingName, out var value)
                && value.ValueKind == JsonValueKind.String
                && value.GetString() is { Length: > 0 } text
                    ? text
                    : null;
        }
        catch (JsonException)
        {
            // The host reports a malformed file itself; previews just fall back to the emulator.
            return null;
        }
    }
}
