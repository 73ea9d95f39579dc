using System.Net;
using System.Text.RegularExpressions;

namespace Serverless.Pipelines.Definitions;

/// <summary>
/// One webhook a notification goes to: a URL written in the DAG file, or the name of a setting that holds it
/// (<c>Serverless__Notifications__{name}__Url</c>), so secret URLs stay out of DAG files and run history.
/// </summary>
public sealed partial record NotificationTarget
{
    /// <summary>The most targets one notification list may name.</summary>
    public const int MaxTargetsPerList = 10;

    /// <summary>The longest URL accepted.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>The pattern of a setting name: it becomes part of a configuration key.</summary>
    public const string SettingNamePattern = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";

    /// <summary>Gets the webhook URL, or <see langword="null"/> when <see cref="Setting"/> names it.</summary>
    public string? Url { get; init; }

    /// <summary>Gets the name of the setting that holds the URL, or <see langword="null"/> when <see cref="Url"/> is given.</summary>
    public string? Setting { get; init; }

    /// <summary>Gets the body shape. The default is <see cref="NotificationShape.Json"/>.</summary>
    public NotificationShape Shape { get; init; } = NotificationShape.Json;

    /// <summary>Gets a value indicating whether a setting name is valid (<see cref="SettingNamePattern"/>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValidSettingName(string? name) => name is not null && SettingNameRegex().IsMatch(name);

    /// <summary>
    /// Checks a webhook URL: absolute, https, or http only to a loopback host (a local receiver), no user info, at most
    /// <see cref="MaxUrlLength"/> characters. The message never repeats the URL, which may hold a secret.
    /// </summary>
    /// <param name="text">The URL.</param>
    /// <param name="url">The parsed URL when valid.</param>
    /// <returns>The problem, or <see langword="null"/> when the URL is valid.</returns>
    public static string? UrlProblem(string? text, out Uri? url)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "the webhook URL is empty";
        }

        if (text.Length > MaxUrlLength)
        {
            return $"the webhook URL is longer than {MaxUrlLength} characters";
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || parsed.IsFile || parsed.IsUnc)
        {
            return "the webhook URL is not an absolute URL";
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            return "the webhook URL must not carry user info";
        }

        var loopback = parsed.IsLoopback || (IPAddress.TryParse(parsed.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
        if (parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && loopback))
        {
            url = parsed;
            return null;
        }

        return parsed.Scheme == Uri.UriSchemeHttp
            ? "the webhook URL must use https (http only to a loopback host such as 127.0.0.1)"
            : $"the webhook URL's scheme '{parsed.Scheme}' is not https";
    }

    /// <summary>Gets a description of the target that is safe to log and store: the setting name, or the URL's scheme and host only (paths and query strings of webhooks hold their secrets).</summary>
    /// <returns>The description.</returns>
    public string Describe()
    {
        if (this.Setting is { } setting)
        {
            return "setting:" + setting;
        }

        return Uri.TryCreate(this.Url, UriKind.Absolute, out var url) ? $"{url.Scheme}://{url.Authority}/…" : "(invalid URL)";
    }

    [GeneratedRegex(SettingNamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex SettingNameRegex();
}
