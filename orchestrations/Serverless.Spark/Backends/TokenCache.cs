using Azure.Core;

namespace Serverless.Spark.Backends;

/// <summary>Caches an Entra ID access token until shortly before it expires.</summary>
internal sealed class TokenCache
{
    private readonly TokenCredential credential;
    private readonly TokenRequestContext context;
    private AccessToken token;

    /// <summary>Initializes a new instance of the <see cref="TokenCache"/> class.</summary>
    /// <param name="credential">The credential.</param>
    /// <param name="scope">The scope.</param>
    public TokenCache(TokenCredential credential, string scope)
    {
        this.credential = credential;
        this.context = new TokenRequestContext([scope]);
    }

    /// <summary>Returns a valid token.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The bearer token.</returns>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        AccessToken current = this.token;
        if (current.Token is null || current.ExpiresOn < DateTimeOffset.UtcNow.AddMinutes(5))
        {
            current = await this.credential.GetTokenAsync(this.context, cancellationToken).ConfigureAwait(false);
            this.token = current;
        }

        return current.Token;
    }
}
