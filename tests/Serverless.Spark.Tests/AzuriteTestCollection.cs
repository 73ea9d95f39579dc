using Serverless.Testing;

namespace Serverless.Spark.Tests;

[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteTestCollection : AzuriteCollection
{
}
