using System.Security.Cryptography;
using System.Text;

namespace Serverless.Functions.Api;

/// <summary>
/// Checks the API key the way Azure Functions does (<c>x-functions-key</c> header or <c>code</c> query parameter),
/// comparing in constant time so response timing does not reveal how much of a guess was right.
/// </summary>
public sealed class ApiKeyCheck
{
    /// <summary>The header name.</summary>
    public const string HeaderName = "x-functions-key";

    /// <summary>The query parameter name.</summary>
    public const string QueryName = "code";

    private readonly byte[]? expectedHash;

    /// <summary>Initializes a new instance of the <see cref="ApiKeyCheck"/> class.</summary>
    /// <param name="apiKey">The configured key; null or empty means no key is checked.</param>
    /// <exception cref="InvalidOperationException">The setting holds an unresolved Key Vault reference.</exception>
    public ApiKeyCheck(string? apiKey)
    {
        // When App Service cannot resolve a Key Vault reference it passes the reference text itself,
        // which is public knowledge: refuse to start rather than accept it as the key.
        if (apiKey is not null && apiKey.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                "Serverless__ApiKey is an unresolved Key Vault reference: check that the secret exists and that the app's identity may read it.");
        }

        this.expectedHash = string.IsNullOrEmpty(apiKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));
    }

    /// <summary>Gets a value indicating whether a key is required.</summary>
    public bool IsEnabled => this.expectedHash is not null;

    /// <summary>Gets a value indicating whether a request carries the right key.</summary>
    /// <param name="request">The request.</param>
    /// <returns>True when the key matches or no key is configured.</returns>
    public bool IsAuthorized(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (this.expectedHash is null)
        {
            return true;
        }

        string? given = request.Headers[HeaderName].FirstOrDefault();
        if (string.IsNullOrEmpty(given))
        {
            given = request.Query[QueryName].FirstOrDefault();
        }

        if (string.IsNullOrEmpty(given))
        {
            return false;
        }

        // Hashing first gives equal lengths, so FixedTimeEquals does not leak the key length either.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), this.expectedHash);
    }
}
