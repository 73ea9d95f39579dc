using Serverless.Pipelines.Templating;

namespace Serverless.Pipelines.Tests.Templating;

public sealed class TemplateLimitsTests
{
    private static readonly TemplateContext Context = new()
    {
        DagId = "d",
        RunId = "r",
        LogicalDate = new DateTimeOffset(2024, 3, 5, 0, 0, 0, TimeSpan.Zero),
        DataIntervalStart = new DateTimeOffset(2024, 3, 5, 0, 0, 0, TimeSpan.Zero),
        DataIntervalEnd = new DateTimeOffset(2024, 3, 6, 0, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Render_LoopsBeyondIterationBound_Fails()
    {
        var error = Assert.Throws<TemplateException>(() => TemplateRenderer.Render("{% for a in range(1000) %}{% for b in range(1000) %}x{% endfor %}{% endfor %}", Context));

        Assert.Contains("iterations", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OutputBeyondBound_Fails()
    {
        var template = "{% set s = '" + new string('x', 1000) + "' %}{% for i in range(10000) %}{{ s }}{% endfor %}";

        var error = Assert.Throws<TemplateException>(() => TemplateRenderer.Render(template, Context));

        Assert.Contains("longer than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NestingBeyondBound_FailsWithoutOverflowingTheStack()
    {
        var deep = "{{ " + new string('(', 10_000) + "1" + new string(')', 10_000) + " }}";

        var error = Assert.Throws<TemplateException>(() => TemplateRenderer.Render(deep, Context));

        Assert.Contains("nested deeper", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" + 1", 100_000)]
    [InlineData(" | string", 100_000)]
    [InlineData(".a", 100_000)]
    public void Render_LongChain_FailsWithoutOverflowingTheStack(string link, int count)
    {
        var chain = "{{ 1" + string.Concat(Enumerable.Repeat(link, count)) + " }}";

        var error = Assert.Throws<TemplateException>(() => TemplateRenderer.Render(chain, Context));

        Assert.Contains("nested deeper than 256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ChainWithinBound_Renders()
    {
        Assert.Equal("101", TemplateRenderer.Render("{{ 1" + string.Concat(Enumerable.Repeat(" + 1", 100)) + " }}", Context));
    }

    [Theory]
    [InlineData("{% set a = 'x' * 4000000 %}{% set b = a ~ a %}")]
    [InlineData("{% set a = 'x' * 4000000 %}{{ [a, a] | join(',') }}")]
    [InlineData("{% set a = 'x' * 4000000 %}{{ a | replace('x', 'yy') }}")]
    public void Render_ValueBeyondOutputBound_FailsBeforeAllocating(string template)
    {
        var error = Assert.Throws<TemplateException>(() => TemplateRenderer.Render(template, Context));

        Assert.Contains("would be longer than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RecursiveMacro_StopsAtCallDepth()
    {
        var error = Assert.Throws<TemplateException>(() => TemplateRenderer.Render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", Context));

        Assert.Contains("macro calls nested deeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TemplateBeyondSizeBound_IsAProblem()
    {
        var huge = "{{ ds }}" + new string(' ', TemplateLimits.MaxTemplateLength);

        Assert.Contains("longer than", Assert.Single(TemplateRenderer.Check(huge).Problems).Message, StringComparison.Ordinal);
    }
}
