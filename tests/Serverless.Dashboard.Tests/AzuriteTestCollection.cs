using Serverless.Dashboard.Tests.Support;
using Serverless.Testing;

namespace Serverless.Dashboard.Tests;

/// <summary>The Azurite collection, plus one Functions host and one browser shared by every dashboard test.</summary>
[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteTestCollection : AzuriteCollection, ICollectionFixture<DashboardFixture>
{
}
