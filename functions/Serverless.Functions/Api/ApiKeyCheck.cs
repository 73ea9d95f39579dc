using System.Security.Cryptography;
using System.Text;

namespace Serverless.Functions.Api;

/// <summary>
/// Checks the named API keys the way Azure Functions takes a key (<c>x-functions-key</c> header or <c>code</c> query
/// parameter), comparing in constant time so response timing does not reveal how much of a guess was right. Where App
/// Service Authentication is on, a signed-in principal is accepted too. The same check runs in Azure and locally.
/// </summary>
public sealed class ApiKeyCheck
{
    /// <summary>The header name.</summary>
    public const string HeaderName = "x-functions-key";

    /// <summary>The query parameter name.</summary>
    public const string QueryName = "code";

    /// <summary>The name the single legacy key <c>Serverless__ApiKey</c> is known by.</summary>
    public const string DefaultKeyName = "default";

    // Set by App Service Authentication on requests it signed in; trusted only where the platform says the
    // feature is on, since anyone can send the header to a host without it.
    private const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    private readonly List<(string Name, byte[] Hash)> keys;
    private readonly bool trustPrincipalHeader;

    /// <summary>Initializes a new instance of the <see cref="ApiKeyCheck"/> class.</summary>
    /// <param name="keys">The keys by name; an empty map means no key is checked.</param>
    /// <param name="trustPrincipalHeader">Whether App Service Authentication is on (<c>WEBSITE_AUTH_ENABLED</c>).</param>
    /// <exception cref="InvalidOperationException">A key holds an unresolved Key Vault reference.</exception>
    public ApiKeyCheck(IReadOnlyDictionary<string, string> keys, bool trustPrincipalHeader = false)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = new List<(string, byte[])>();
        foreach (var (name, value) in keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            // When App Service cannot resolve a Key Vault reference it passes the reference text itself,
            // which is public knowledge: refuse to start rather than accept it as the key.
            if (value.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"The API key '{name}' is an unresolved Key Vault reference: check that the secret exists and that the app's identity may read it.");
            }

            if (!string.IsNullOrEmpty(value))
            {
                list.Add((name, SHA256.HashData(Encoding.UTF8.GetBytes(value))));
            }
        }

        this.keys = list;
        this.trustPrincipalHeader = trustPrincipalHeader;
    }

    /// <summary>Initializes a new instance of the <see cref="ApiKeyCheck"/> class with one key named <see cref="DefaultKeyName"/>.</summary>
    /// <param name="apiKey">The key; null or empty means no key is checked.</param>
    public ApiKeyCheck(string? apiKey)
        : this(string.IsNullOrEmpty(apiKey) ? new Dictionary<string, string>() : new Dictionary<string, string> { [DefaultKeyName] = apiKey })
    {
    }

    /// <summary>Gets a value indicating whether a key is required.</summary>
    public bool IsEnabled => this.keys.Count > 0;

    /// <summary>Reads the keys from configuration: <c>Serverless:ApiKeys:{name}</c>, and <c>Serverless:ApiKey</c> as the key named <c>default</c>.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The check.</returns>
    public static ApiKeyCheck FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in configuration.GetSection("Serverless:ApiKeys").GetChildren())
        {
            if (!string.IsNullOrEmpty(child.Value))
            {
                keys[child.Key] = child.Value;
            }
        }

        if (configuration["Serverless:ApiKey"] is { Length: > 0 } legacy)
        {
            keys.TryAdd(DefaultKeyName, legacy);
        }

        var easyAuth = string.Equals(configuration["WEBSITE_AUTH_ENABLED"], "true", StringComparison.OrdinalIgnoreCase);
        return new ApiKeyCheck(keys, easyAuth);
    }

    /// <summary>Gets who a request is: the name of the key it carries, or the signed-in principal.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The key name (<c>key:{name}</c>), the principal (<c>principal:{name}</c>), <c>anonymous</c> when no key is configured, or null when refused.</returns>
    public string? Authorize(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (this.keys.Count == 0)
        {
            return "anonymous";
        }

        if (this.trustPrincipalHeader && request.Headers[PrincipalHeader].FirstOrDefault() is { Length: > 0 } principal)
        {
            return "principal:" + principal;
        }

        string? given = request.Headers[HeaderName].FirstOrDefault();
        if (string.IsNullOrEmpty(given))
        {
            given = request.Query[QueryName].FirstOrDefault();
        }

        if (string.IsNullOrEmpty(given))
        {
            return null;
        }

        // Hashing first gives equal lengths, so FixedTimeEquals does not leak the key length either; every key is
        // compared, so the time does not tell which one matched.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        string? match = null;
        foreach (var (name, expected) in this.keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, expected))
            {
                match ??= name;
            }
        }

        return match is null ? null : "key:" + match;
    }

    /// <summary>Gets a value indicating whether a request carries a right key (or a signed-in principal).</summary>
    /// <param name="request">The request.</param>
    /// <returns>True when authorized or when no key is configured.</returns>
    public bool IsAuthorized(HttpRequest request) => this.Authorize(request) is not null;
}
