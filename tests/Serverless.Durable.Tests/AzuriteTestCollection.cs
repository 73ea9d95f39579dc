using Serverless.Testing;

namespace Serverless.Durable.Tests;

[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteTestCollection : AzuriteCollection
{
}
