using Serverless.Pipelines.Templating;

namespace Serverless.Pipelines.Tests.Templating;

public sealed class TemplateCheckTests
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
    public void Render_ErrorOnThirdLine_NamesLineAndColumn()
    {
        const string sql = "SELECT *\nFROM flights\nWHERE day = '{{ macros.ds_ad(ds, -1) }}'";

        var error = Assert.Throws<TemplateException>(() => TemplateRenderer.Render(sql, Context));

        Assert.Equal(3, error.Line);
        Assert.Equal(17, error.Column);
        Assert.Contains("template line 3, column 17", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SyntaxErrorInBlock_NamesItsLine()
    {
        var error = Assert.Throws<TemplateException>(() => TemplateRenderer.Render("a\n{% if ds == %}x{% endif %}", Context));

        Assert.Equal(2, error.Line);
        Assert.Contains("expected a value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SeveralProblems_ReportsEveryOneWithItsLine()
    {
        const string sql = """
            SELECT {{ ds | shout }}
            FROM {{ nope }}
            {% if ds = 1 %}
            WHERE x = {{ macros.ds_add(ds) }}
            {% endfor %}
            AND y = {{ ds.bogus }}
            """;

        var check = TemplateRenderer.Check(sql);

        Assert.Collection(
            check.Problems,
            p => Assert.True(p.Line == 1 && p.Message.Contains("unknown filter 'shout'", StringComparison.Ordinal), p.ToString()),
            p => Assert.True(p.Line == 2 && p.Message.Contains("unknown template reference '{{ nope }}'", StringComparison.Ordinal), p.ToString()),
            p => Assert.True(p.Line == 3 && p.Message.Contains("'{% if %}' is not closed", StringComparison.Ordinal), p.ToString()),
            p => Assert.True(p.Line == 3 && p.Message.Contains("expected '%}'", StringComparison.Ordinal), p.ToString()),
            p => Assert.True(p.Line == 4 && p.Message.Contains("macros.ds_add needs 'days'", StringComparison.Ordinal), p.ToString()),
            p => Assert.True(p.Line == 5 && p.Message.Contains("unexpected '{% endfor %}'", StringComparison.Ordinal), p.ToString()),
            p => Assert.True(p.Line == 6 && p.Message.Contains("'ds' is text", StringComparison.Ordinal), p.ToString()));
    }

    [Fact]
    public void Check_DagReferences_AreReturnedWithPositionsAndGuards()
    {
        var check = TemplateRenderer.Check("{{ params['min_delay'] | int }}\n{{ outputs.top-routes.routes }} {{ tasks.count.values.n | default(0) }}");

        Assert.Empty(check.Problems);
        Assert.Collection(
            check.References,
            r => Assert.Equal(("params.min_delay", 1, 4, false), (r.Expression, r.Line, r.Column, r.IsGuarded)),
            r => Assert.Equal(("outputs.top-routes.routes", 2, 4, false), (r.Expression, r.Line, r.Column, r.IsGuarded)),
            r => Assert.Equal(("tasks.count.values.n", 2, 36, true), (r.Expression, r.Line, r.Column, r.IsGuarded)));
    }

    [Theory]
    [InlineData("{% for r in params.rows %}{{ r.name }}{{ loop.index }}{% endfor %}")]
    [InlineData("{% set day = macros.ds_add(ds, -1) %}{{ day }}")]
    [InlineData("{{ maybe | default('x') }}{% if other is defined %}{{ other }}{% endif %}")]
    [InlineData("{{ logical_date.strftime('%Y') }} {{ data_interval_start.year }} {{ ds.replace('-', '') }}")]
    [InlineData("{{ var.value.bucket }} {{ var.json.config.region }} {{ range(3) | join(',') }}")]
    [InlineData("{% raw %}{{ not a template }}{% endraw %}")]
    public void Check_ValidTemplate_HasNoProblems(string template)
    {
        Assert.Empty(TemplateRenderer.Check(template).Problems);
    }

    [Theory]
    [InlineData("{{ 'x' ")]
    [InlineData("{% if x %}")]
    [InlineData("{{ loop.index }}")]
    [InlineData("{{ dag.owner }}")]
    [InlineData("{{ ds | replace('-') }}")]
    [InlineData("{% while x %}{% endwhile %}")]
    [InlineData("{{ 'open }}")]
    [InlineData("{# never closed")]
    public void Check_BadTemplate_ReportsAProblem(string template)
    {
        Assert.NotEmpty(TemplateRenderer.Check(template).Problems);
    }
}
