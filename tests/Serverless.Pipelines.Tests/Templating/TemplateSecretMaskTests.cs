using Serverless.Pipelines.Templating;

namespace Serverless.Pipelines.Tests.Templating;

public sealed class TemplateSecretMaskTests
{
    private static readonly TemplateContext Context = new()
    {
        DagId = "d",
        RunId = "r",
        LogicalDate = new DateTimeOffset(2024, 3, 5, 0, 0, 0, TimeSpan.Zero),
        DataIntervalStart = new DateTimeOffset(2024, 3, 5, 0, 0, 0, TimeSpan.Zero),
        DataIntervalEnd = new DateTimeOffset(2024, 3, 6, 0, 0, 0, TimeSpan.Zero),
        Variables = new Dictionary<string, string> { ["token"] = "s3cr3t-value", ["region"] = "westeurope", ["empty"] = string.Empty },
        SecretVariables = new HashSet<string> { "token", "empty", "absent" },
    };

    [Fact]
    public void Apply_RenderedSecret_IsMaskedAndOtherVariablesAreNot()
    {
        var rendered = TemplateRenderer.Render("--token {{ var.value.token }} --region {{ var.value.region }}", Context);

        Assert.Equal("--token s3cr3t-value --region westeurope", rendered);
        Assert.Equal("--token *** --region westeurope", TemplateSecretMask.Apply(rendered, Context));
    }

    [Fact]
    public void SecretValues_EmptyAndAbsent_AreLeftOut()
    {
        Assert.Equal(["s3cr3t-value"], TemplateSecretMask.SecretValues(Context));
    }

    [Fact]
    public void Apply_SecretContainingAnother_MasksTheLongerWhole()
    {
        Assert.Equal("a *** b ***", TemplateSecretMask.Apply("a abc-def b abc", ["abc", "abc-def"]));
    }
}
