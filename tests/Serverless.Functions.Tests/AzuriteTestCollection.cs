using Serverless.Testing;

namespace Serverless.Functions.Tests;

[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteTestCollection : AzuriteCollection
{
}
