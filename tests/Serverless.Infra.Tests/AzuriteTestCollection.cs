using Serverless.Testing;

namespace Serverless.Infra.Tests;

[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteTestCollection : AzuriteCollection
{
}
