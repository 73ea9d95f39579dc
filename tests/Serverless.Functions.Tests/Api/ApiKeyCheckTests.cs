using Microsoft.AspNetCore.Http;
using Serverless.Functions.Api;

namespace Serverless.Functions.Tests.Api;

public sealed class ApiKeyCheckTests
{
    [Fact]
    public void Constructor_UnresolvedKeyVaultReference_RefusesToStart()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new ApiKeyCheck("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/api-key/)"));

        Assert.Contains("Key Vault reference", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3cret", true)]
    [InlineData("s3cre", false)]
    [InlineData("", false)]
    public void IsAuthorized_HeaderKey_MatchesOnlyTheExactKey(string given, bool expected)
    {
        var check = new ApiKeyCheck("s3cret");
        var context = new DefaultHttpContext();
        context.Request.Headers[ApiKeyCheck.HeaderName] = given;

        Assert.Equal(expected, check.IsAuthorized(context.Request));
    }
}
