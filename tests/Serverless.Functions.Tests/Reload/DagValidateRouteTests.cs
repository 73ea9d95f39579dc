using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Functions.Tests.Support;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Reload;

/// <summary>What the validate and list routes tell the author of a file: its own name on every problem, and the tasks the configured backend cannot run.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DagValidateRouteTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string PySparkDag = "id: spark-job\ntasks:\n  - id: job\n    kind: pyspark\n    file: jobs/job.py\n    outputs: [{name: o, path: out/o}]\n";

    private readonly DirectoryInfo dags = Directory.CreateTempSubdirectory("validate-dags-");
    private TestHost host = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(this.dags.FullName, "spark-job.yaml"), PySparkDag);
        this.host = await TestHost.StartAsync(azurite, extra: new Dictionary<string, string?>
        {
            ["Serverless:DagFolder"] = this.dags.FullName,

            // As on a machine without Spark, whatever this one has.
            ["Spark:Local:SparkHome"] = string.Empty,
        });
    }

    public async Task DisposeAsync()
    {
        await this.host.DisposeAsync();
        this.dags.Delete(recursive: true);
    }

    [Fact]
    public async Task Validate_FileNamed_EveryProblemNamesTheUsersPath()
    {
        const string path = "team dags/daily (v2).yaml";
        var response = await this.PostAsync($"/api/dags/validate?file={Uri.EscapeDataString(path)}", "id: Bad_Id\ntasks:\n  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], dependsOn: [b]}\n");
        var problems = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["problems"]!.AsArray();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problems.Count >= 2, problems.ToJsonString());
        Assert.All(problems, p => Assert.Equal(path, p!["file"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("notes.txt")]
    [InlineData("<script>.yaml")]
    [InlineData("a\u0007b.yaml")]
    [InlineData("")]
    public async Task Validate_FileNameNotASafeDagFileName_Returns400Problem(string name)
    {
        var response = await this.PostAsync($"/api/dags/validate?file={Uri.EscapeDataString(name)}", "id: ok\ntasks:\n  - {id: a, kind: sql, sql: SELECT 1, outputs: [o]}\n");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'file'", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAndList_PySparkTaskOnLocalBackendWithoutSpark_WarnNamingSparkHome()
    {
        var validate = await this.PostAsync("/api/dags/validate?file=spark-job.yaml", PySparkDag);
        var validated = JsonNode.Parse(await validate.Content.ReadAsStringAsync())!;
        var listed = JsonNode.Parse(await this.host.Client.GetStringAsync("/api/dags"))!["dags"]!.AsArray().Single(d => (string?)d!["id"] == "spark-job")!;

        Assert.Equal(HttpStatusCode.OK, validate.StatusCode);
        var warning = Assert.Single(validated["warnings"]!.AsArray())!;
        Assert.Contains("SPARK_HOME", warning["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("tasks[0].kind", warning["path"]!.GetValue<string>());
        Assert.True(listed["valid"]!.GetValue<bool>());
        Assert.Contains("SPARK_HOME", Assert.Single(listed["warnings"]!.AsArray())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostAsync(string path, string yaml) =>
        this.host.Client.PostAsync(path, new StringContent(yaml, Encoding.UTF8, "application/yaml"));
}
