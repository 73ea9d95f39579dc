using Serverless.Cli.Hosting;

namespace Serverless.Cli.Tests.Hosting;

/// <summary>The storage a standalone host uses, in the host's order: its own Azurite, the environment, local.settings.json, the emulator.</summary>
public sealed class StandaloneHostStorageTests
{
    [Fact]
    public void Find_HostStartedAzurite_WinsOverTheEnvironment()
    {
        // No real process has this id, so no real host writes this file meanwhile.
        var pid = 2_000_000_000 + Random.Shared.Next(100_000_000);
        var file = Path.Combine(Path.GetTempPath(), $"serverless-azurite-{pid}");
        File.WriteAllText(file, "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;\n");
        try
        {
            var found = StandaloneHostStorage.Find(pid, _ => "from-environment", Path.GetTempPath());

            Assert.Equal("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;", found);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("{ \"Values\": { \"AzureWebJobsStorage\": \"from-file\" } }", "from-file")]
    [InlineData("{ \"Values\": { \"AzureWebJobsStorage\": \"\" } }", "UseDevelopmentStorage=true")]
    [InlineData("{ \"Values\": [] }", "UseDevelopmentStorage=true")]
    [InlineData("not json", "UseDevelopmentStorage=true")]
    [InlineData(null, "UseDevelopmentStorage=true")]
    public void Find_WithoutEnvironment_ReadsLocalSettingsElseTheEmulator(string? localSettings, string expected)
    {
        var folder = Directory.CreateTempSubdirectory("cli-storage-");
        try
        {
            if (localSettings is not null)
            {
                File.WriteAllText(Path.Combine(folder.FullName, "local.settings.json"), localSettings);
            }

            Assert.Equal(expected, StandaloneHostStorage.Find(-1, _ => null, folder.FullName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
