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
}
