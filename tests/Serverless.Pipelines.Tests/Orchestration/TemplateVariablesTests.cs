using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Service;
using Serverless.Pipelines.Templating;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>Variables from app settings, the secret rule, and the token the job activity resolves.</summary>
public sealed class TemplateVariablesTests
{
    private static TemplateVariables FromSettings(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddPipelines(configuration).BuildServiceProvider();
        return services.GetRequiredService<TemplateVariables>();
    }

    [Fact]
    public void ForRun_AppSettings_PublicValuesAndOnlySecretNames()
    {
        // As Serverless__Variables__region etc. arrive through environment variables.
        var variables = FromSettings(new()
        {
            ["Serverless:Variables:region"] = "eu-west",
            ["Serverless:Variables:DB_PASSWORD"] = "pw-1",
            ["Serverless:Variables:api_token"] = "tok-2",
            ["Serverless:Variables:warehouse"] = "wh-3",
            ["Serverless:SecretVariables"] = "warehouse; other",
        });

        var run = variables.ForRun();

        Assert.Equal(new Dictionary<string, string> { ["region"] = "eu-west" }, run.Values);
        Assert.Equal(["DB_PASSWORD", "api_token", "warehouse"], run.Secrets);
        Assert.Equal("a *** b *** c ***", variables.Redact("a pw-1 b tok-2 c wh-3"));
    }

    [Fact]
    public void Resolve_SpecWithTokens_PutsTheSecretValuesInEveryTextField()
    {
        var variables = FromSettings(new() { ["Serverless:Variables:db_password"] = "pw-1" });
        var token = SecretVariableToken.For("db_password");
        var spec = new SparkJobSpec("j", SparkJobKind.Sql)
        {
            Sql = $"SELECT '{token}'",
            Args = [$"--pw={token}"],
            Conf = new Dictionary<string, string> { ["spark.x"] = token },
            Inputs = [new SparkJobInput("i", "data/a.csv", SparkDataFormat.Csv) { Options = new Dictionary<string, string> { ["password"] = token } }],
        };

        var resolved = variables.Resolve(spec);

        Assert.Equal("SELECT 'pw-1'", resolved.Sql);
        Assert.Equal("--pw=pw-1", resolved.Args[0]);
        Assert.Equal("pw-1", resolved.Conf["spark.x"]);
        Assert.Equal("pw-1", resolved.Inputs[0].Options["password"]);
        Assert.Contains(token, spec.Sql, StringComparison.Ordinal); // the orchestration's copy keeps the token
    }
}
