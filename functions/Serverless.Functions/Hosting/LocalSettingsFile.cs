using System.Text.Json;

namespace Serverless.Functions.Hosting;

/// <summary>
/// Reads the <c>Values</c> of a Functions <c>local.settings.json</c> as configuration, so the standalone host uses the
/// same file as the Functions Core Tools. Environment variables still win.
/// </summary>
public static class LocalSettingsFile
{
    /// <summary>The file name.</summary>
    public const string FileName = "local.settings.json";

    /// <summary>Reads the values of a file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Configuration keys (<c>__</c> turned into <c>:</c>) and values; empty when the file does not exist.</returns>
    /// <exception cref="InvalidOperationException">The file is not valid JSON.</exception>
    public static IReadOnlyDictionary<string, string?> Read(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return values;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in section.EnumerateObject())
                {
                    values[property.Name.Replace("__", ":", StringComparison.Ordinal)] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{path} is not valid JSON: {e.Message}", e);
        }

        return values;
    }
}
