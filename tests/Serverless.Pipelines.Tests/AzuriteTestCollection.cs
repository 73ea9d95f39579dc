using Serverless.Testing;

namespace Serverless.Pipelines.Tests;

[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteTestCollection : AzuriteCollection
{
}
