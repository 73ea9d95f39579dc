using Serverless.Storage.Connection;
using Serverless.Storage.Emulator;
using Xunit;

namespace Serverless.Testing;

/// <summary>
/// The storage account integration tests run against: the Azurite that <c>./test.sh</c> started
/// (its connection string in <see cref="ConnectionStringVariable"/>), or, when a test runs on its
/// own (an IDE, <c>dotnet test</c> directly), an Azurite this fixture starts on free ports.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>The environment variable that carries the test storage connection string.</summary>
    public const string ConnectionStringVariable = "SERVERLESS_TEST_STORAGE";

    private AzuriteProcess? ownAzurite;

    /// <summary>Gets the connection string of the test storage account.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Creates a <see cref="StorageAccount"/> for the test storage, with optional extra pipeline policies.</summary>
    /// <param name="policies">Policies such as a request counter.</param>
    /// <returns>The account.</returns>
    public StorageAccount CreateAccount(params Azure.Core.Pipeline.HttpPipelinePolicy[] policies) =>
        StorageAccount.FromConnectionString(this.ConnectionString, policies);

    /// <summary>Returns a name that is unique in this test run and valid as a task hub, container or queue prefix.</summary>
    /// <param name="prefix">A lowercase letter prefix.</param>
    /// <returns>For example <c>t3f9a1c2b</c>.</returns>
    public static string UniqueName(string prefix = "t") => prefix + Guid.NewGuid().ToString("N")[..10];

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        string? fromScript = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(fromScript))
        {
            this.ConnectionString = fromScript;
            return;
        }

        this.ownAzurite = await AzuriteProcess.StartAsync();
        this.ConnectionString = this.ownAzurite.ConnectionString;
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (this.ownAzurite is not null)
        {
            await this.ownAzurite.DisposeAsync();
        }
    }
}
