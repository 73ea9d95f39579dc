using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Serverless.Spark.Data;

/// <summary>
/// A place in the configured storage account: <c>container/path</c>. Parsing rejects anything that could reach
/// outside it: <c>..</c> or <c>.</c> segments, backslashes, a leading slash, empty segments, query or fragment
/// characters, and absolute URLs of another account.
/// </summary>
public sealed partial record DataLocation
{
    private DataLocation(string container, string path)
    {
        this.Container = container;
        this.Path = path;
    }

    /// <summary>Gets the blob container.</summary>
    public string Container { get; }

    /// <summary>Gets the blob path inside the container (may be empty for the whole container; ends in <c>/</c> for a folder).</summary>
    public string Path { get; }

    /// <summary>Gets a value indicating whether this names a folder (empty path or ending in <c>/</c>).</summary>
    public bool IsFolder => this.Path.Length == 0 || this.Path.EndsWith('/');

    /// <summary>Gets the location as a folder: the path with a trailing <c>/</c>.</summary>
    public DataLocation AsFolder => this.IsFolder ? this : new DataLocation(this.Container, this.Path + "/");

    /// <summary>Parses <c>container/path</c>.</summary>
    /// <param name="text">The location.</param>
    /// <param name="accountBlobEndpoint">The account's blob endpoint; absolute URLs are accepted only when they start with it.</param>
    /// <returns>The location.</returns>
    /// <exception cref="ArgumentException">The text is not a valid location.</exception>
    public static DataLocation Parse(string text, Uri? accountBlobEndpoint = null) =>
        TryParse(text, accountBlobEndpoint, out DataLocation? location, out string? error)
            ? location
            : throw new ArgumentException(error, nameof(text));

    /// <summary>Parses <c>container/path</c> without throwing.</summary>
    /// <param name="text">The location.</param>
    /// <param name="accountBlobEndpoint">The account's blob endpoint; absolute URLs are accepted only when they start with it.</param>
    /// <param name="location">The location, when valid.</param>
    /// <param name="error">Why it is invalid, otherwise.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool TryParse(string? text, Uri? accountBlobEndpoint, [NotNullWhen(true)] out DataLocation? location, [NotNullWhen(false)] out string? error)
    {
        location = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the location is empty";
            return false;
        }

        string relative = text;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || accountBlobEndpoint is null || !IsUnder(uri, accountBlobEndpoint))
            {
                error = $"'{text}' is an absolute URL outside the configured storage account; write locations as container/path";
                return false;
            }

            // Use the raw text after the endpoint so percent-encoded escapes (%2e%2e) are caught below, not decoded away.
            string endpoint = accountBlobEndpoint.AbsoluteUri.TrimEnd('/') + "/";
            relative = text[endpoint.Length..];
        }

        if (relative.Contains('\\', StringComparison.Ordinal))
        {
            error = $"'{text}' contains a backslash; use '/' between segments";
            return false;
        }

        if (relative.StartsWith('/'))
        {
            error = $"'{text}' starts with '/'; write locations as container/path";
            return false;
        }

        if (relative.IndexOfAny(['?', '#', '%']) >= 0 || relative.Any(char.IsControl))
        {
            error = $"'{text}' contains '?', '#', '%' or control characters";
            return false;
        }

        int slash = relative.IndexOf('/', StringComparison.Ordinal);
        string container = slash < 0 ? relative : relative[..slash];
        string path = slash < 0 ? string.Empty : relative[(slash + 1)..];
        if (!ContainerName().IsMatch(container))
        {
            error = $"'{container}' in '{text}' is not a valid container name (3-63 lowercase letters, digits and single hyphens)";
            return false;
        }

        string[] segments = path.Split('/');
        for (int i = 0; i < segments.Length; i++)
        {
            string segment = segments[i];
            if (segment is "." or "..")
            {
                error = $"'{text}' contains a '{segment}' segment, which could escape the container";
                return false;
            }

            // Only the last segment may be empty: that is the trailing '/' of a folder.
            if (segment.Length == 0 && i < segments.Length - 1)
            {
                error = $"'{text}' contains an empty segment ('//')";
                return false;
            }
        }

        if (path.Length > 1024)
        {
            error = $"'{text}' is longer than 1024 characters";
            return false;
        }

        location = new DataLocation(container, path);
        error = null;
        return true;
    }

    /// <summary>Returns a location under this one (a folder).</summary>
    /// <param name="relativePath">A relative path; validated like any location path.</param>
    /// <returns>The combined location.</returns>
    public DataLocation Combine(string relativePath) => Parse(this.Container + "/" + this.AsFolder.Path + relativePath);

    /// <summary>Returns <c>container/path</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => this.Path.Length == 0 ? this.Container + "/" : this.Container + "/" + this.Path;

    private static bool IsUnder(Uri uri, Uri endpoint) =>
        string.Equals(uri.Scheme, endpoint.Scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(uri.Authority, endpoint.Authority, StringComparison.OrdinalIgnoreCase) &&
        uri.AbsoluteUri.StartsWith(endpoint.AbsoluteUri.TrimEnd('/') + "/", StringComparison.Ordinal);

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();
}
