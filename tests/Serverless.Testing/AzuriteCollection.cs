using Xunit;

namespace Serverless.Testing;

/// <summary>
/// Marker for test classes that share one <see cref="AzuriteFixture"/>. Each test assembly that uses it
/// declares its own <c>[CollectionDefinition]</c> deriving from this (xunit finds definitions per assembly).
/// </summary>
public abstract class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    /// <summary>The collection name every integration test class uses.</summary>
    public const string Name = "Azurite";
}
