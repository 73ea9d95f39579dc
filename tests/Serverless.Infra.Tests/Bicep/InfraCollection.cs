namespace Serverless.Infra.Tests.Bicep;

/// <summary>Shares one <see cref="InfraFixture"/> (one set of Bicep runs) among all template tests.</summary>
[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Infra";
}
