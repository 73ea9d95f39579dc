using System.Text.Json.Nodes;
using Serverless.Pipelines.Templating;

namespace Serverless.Pipelines.Tests.Templating;

public sealed class TemplateRendererTests
{
    private static readonly TemplateContext Context = new()
    {
        DagId = "flights-daily",
        RunId = "scheduled-20240305T000000Z",
        TaskId = "load",
        LogicalDate = new DateTimeOffset(2024, 3, 5, 0, 0, 0, TimeSpan.Zero),
        DataIntervalStart = new DateTimeOffset(2024, 3, 5, 0, 0, 0, TimeSpan.Zero),
        DataIntervalEnd = new DateTimeOffset(2024, 3, 6, 0, 0, 0, TimeSpan.Zero),
        Params = new Dictionary<string, JsonNode?> { ["min_delay"] = 150, ["origin"] = "PHL", ["symbols"] = new JsonArray("A", "B"), ["on"] = true },
        Outputs = new Dictionary<string, string> { ["extract.flights"] = "data/flights-daily/scheduled-20240305T000000Z/extract/flights/" },
    };

    [Theory]
    [InlineData("{{ ds }}", "2024-03-05")]
    [InlineData("{{ds_nodash}}", "20240305")]
    [InlineData("{{   logical_date   }}", "2024-03-05T00:00:00+00:00")]
    [InlineData("{{ ts_nodash }}", "20240305T000000")]
    [InlineData("{{ data_interval_start }}..{{ data_interval_end }}", "2024-03-05T00:00:00+00:00..2024-03-06T00:00:00+00:00")]
    [InlineData("{{ run_id }}", "scheduled-20240305T000000Z")]
    [InlineData("{{ dag_id }}/{{ task_id }}", "flights-daily/load")]
    [InlineData("delay > {{ params.min_delay }} AND origin = '{{ params.origin }}'", "delay > 150 AND origin = 'PHL'")]
    [InlineData("{{ params.symbols }} {{ params.on }}", "[\"A\",\"B\"] true")]
    [InlineData("{{ outputs.extract.flights }}", "data/flights-daily/scheduled-20240305T000000Z/extract/flights/")]
    [InlineData("no templates { here }", "no templates { here }")]
    public void Render_KnownVariables_Substitutes(string template, string expected)
    {
        Assert.Equal(expected, TemplateRenderer.Render(template, Context));
    }

    [Fact]
    public void Render_LogicalDateInZone_DsIsZoneDate()
    {
        var local = Context with { LogicalDate = new DateTimeOffset(2024, 3, 5, 0, 0, 0, TimeSpan.FromHours(1)) };

        Assert.Equal("2024-03-05 2024-03-05T00:00:00+01:00", TemplateRenderer.Render("{{ ds }} {{ logical_date }}", local));
    }

    [Fact]
    public void Render_MappedItem_SubstitutesItemAndIndex()
    {
        var mapped = Context with { MapIndex = 3, Item = new JsonObject { ["symbol"] = "MSFT" } };

        Assert.Equal("MSFT#3", TemplateRenderer.Render("{{ item.symbol }}#{{ map_index }}", mapped));
        Assert.Equal("IBM", TemplateRenderer.Render("{{ item }}", Context with { Item = "IBM" }));
    }

    [Theory]
    [InlineData("{{ nope }}")]
    [InlineData("{{ params.missing }}")]
    [InlineData("{{ outputs.x.y }}")]
    [InlineData("{{ item }}")]
    [InlineData("{{ ds ")]
    [InlineData("{{ a b }}")]
    public void Render_UnknownOrMalformed_Throws(string template)
    {
        Assert.Throws<TemplateException>(() => TemplateRenderer.Render(template, Context));
    }

    [Theory]
    [InlineData("{{ params.min_delay-1 }} {{ params.min_delay * 2 }}", "149 300")]
    [InlineData("{{ outputs['extract'].flights == outputs.extract.flights }}", "true")]
    [InlineData("{{ tasks.count.values.n }} {{ tasks.count.values.day | default('none') }}", "27 none")]
    [InlineData("{% if params.on and params.min_delay > 100 %}long{% else %}short{% endif %}", "long")]
    [InlineData("{% for s in params.symbols %}'{{ s }}'{{ ', ' if not loop.last else '' }}{% endfor %}", "'A', 'B'")]
    [InlineData("  {{- ds -}}  \n", "2024-03-05")]
    [InlineData("a\n{%- if true %} b {% endif -%}\nc", "a b c")]
    [InlineData("{#- dropped -#} x {%- raw %} {{ kept }}{% endraw %}", "x {{ kept }}")]
    [InlineData("{% set n = params.symbols | length %}{{ n }} {{ params.origin | lower }} {{ 'phl' | upper }}", "2 phl PHL")]
    [InlineData("{{ params.symbols | first }}{{ params.symbols | last }} {{ -3 | abs }} {{ '  x  ' | trim }}", "AB 3 x")]
    [InlineData("{{ 'B' in params.symbols }} {{ 'Z' not in params.symbols }} {{ 'HL' in params.origin }}", "true true true")]
    [InlineData("{{ logical_date.strftime('%d/%m/%Y') }} {{ data_interval_end.day }}", "05/03/2024 6")]
    [InlineData("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}", "a=1;b=2;")]
    [InlineData("{% for i in range(5) if i is odd %}{{ i }}{% endfor %}", "13")]
    [InlineData("{{ run_id ~ '/' ~ map_index | default(0) }}", "scheduled-20240305T000000Z/0")]
    [InlineData("{{ ['', 'a', ''] | join(',') }}", ",a,")]
    public void Render_JinjaSubset_Renders(string template, string expected)
    {
        var context = Context with { TaskValues = new Dictionary<string, JsonNode?> { ["count.n"] = 27 } };

        Assert.Equal(expected, TemplateRenderer.Render(template, context));
    }

    [Theory]
    [InlineData("{{ params.origin + 1 }}", "unsupported operand types for +: string and int")]
    [InlineData("{% if params.missing %}x{% endif %}", "'{{ params.missing }}' has no value in this run")]
    [InlineData("{{ macros.nope(ds) }}", "'{{ macros.nope }}' has no value in this run")]
    [InlineData("{{ 1 // 0 }}", "division by zero")]
    [InlineData("{{ 'x' if false }}", "the inline if was false and has no else")]
    public void Render_RunTimeError_SaysWhy(string template, string message)
    {
        var error = Assert.Throws<TemplateException>(() => TemplateRenderer.Render(template, Context));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Render_ReadmeExample_RendersAsDocumented()
    {
        const string sql = """
            SELECT * FROM flights
            WHERE day BETWEEN DATE '{{ macros.ds_add(ds, -6) }}' AND DATE '{{ ds }}'
            {% if params.origin is defined and params.origin %}  AND origin = '{{ params.origin | upper }}'{% endif %}
              AND route IN ({% for r in params.routes %}'{{ r }}'{{ ', ' if not loop.last else '' }}{% endfor %})
            """;
        var context = Context with
        {
            Params = new Dictionary<string, JsonNode?> { ["origin"] = "phl", ["routes"] = new JsonArray("PHL-DFW", "PHL-ORD") },
            PreviousLogicalDate = new DateTimeOffset(2024, 3, 4, 0, 0, 0, TimeSpan.Zero),
            NextLogicalDate = new DateTimeOffset(2024, 3, 6, 0, 0, 0, TimeSpan.Zero),
        };

        Assert.Empty(TemplateRenderer.Check(sql).Problems);
        Assert.Equal(
            "SELECT * FROM flights\nWHERE day BETWEEN DATE '2024-02-28' AND DATE '2024-03-05'\n  AND origin = 'PHL'\n  AND route IN ('PHL-DFW', 'PHL-ORD')",
            TemplateRenderer.Render(sql, context));
        Assert.Equal(
            "2024-03-04 2024-03-06 05/03/2024",
            TemplateRenderer.Render("{{ prev_ds }} {{ next_ds }} {{ macros.ds_format(ds, '%Y-%m-%d', '%d/%m/%Y') }}", context));
    }
}
