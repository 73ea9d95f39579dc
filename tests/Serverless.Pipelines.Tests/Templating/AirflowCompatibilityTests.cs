using System.Text.Json.Nodes;
using Serverless.Pipelines.Templating;

namespace Serverless.Pipelines.Tests.Templating;

/// <summary>
/// Templates with the output Airflow 2.x and Jinja document for them. The expected strings are copied from the cited
/// documents (a second implementation), not produced by this renderer; each case names its source.
/// </summary>
public sealed class AirflowCompatibilityTests
{
    // Sources, cited per case below:
    private const string AirflowMacros = "airflow/macros/__init__.py docstrings (ds_add, ds_format), Airflow 2.x";
    private const string AirflowTemplatesRef = "Airflow 2.x docs, templates-ref.rst (Variables, Filters)";
    private const string AirflowMacrosRef20 = "Airflow 2.0 docs, macros-ref.html (prev_ds, next_ds with @weekly)";
    private const string JinjaFilters = "Jinja docs, jinja2/filters.py docstrings";
    private const string JinjaTemplates = "Jinja docs, templates.rst";

    // The Airflow docs' examples use the logical date 2018-01-01 (ts "2018-01-01T00:00:00+00:00").
    private static readonly TemplateContext Context = new()
    {
        DagId = "example",
        RunId = "scheduled__2018-01-01T00:00:00+00:00",
        TaskId = "extract",
        LogicalDate = new DateTimeOffset(2018, 1, 1, 0, 0, 0, TimeSpan.Zero),
        DataIntervalStart = new DateTimeOffset(2018, 1, 1, 0, 0, 0, TimeSpan.Zero),
        DataIntervalEnd = new DateTimeOffset(2018, 1, 8, 0, 0, 0, TimeSpan.Zero),
        NextLogicalDate = new DateTimeOffset(2018, 1, 8, 0, 0, 0, TimeSpan.Zero),
        Params = new Dictionary<string, JsonNode?> { ["seq"] = new JsonArray(1, 2, 3, 4, 5, 6, 7, 8, 9) },
        Variables = new Dictionary<string, string> { ["bucket"] = "raw-data" },
    };

    public static TheoryData<string, string, string> Documented => new()
    {
        // airflow.macros.ds_add: ">>> ds_add('2015-01-01', 5)  '2015-01-06'" and ">>> ds_add('2015-01-06', -5)  '2015-01-01'".
        { "{{ macros.ds_add('2015-01-01', 5) }}", "2015-01-06", AirflowMacros },
        { "{{ macros.ds_add('2015-01-06', -5) }}", "2015-01-01", AirflowMacros },

        // airflow.macros.ds_format: ">>> ds_format('2015-01-01', "%Y-%m-%d", "%m-%d-%y")  '01-01-15'" and
        // ">>> ds_format('1/5/2015', "%m/%d/%Y",  "%Y-%m-%d")  '2015-01-05'".
        { "{{ macros.ds_format('2015-01-01', '%Y-%m-%d', '%m-%d-%y') }}", "01-01-15", AirflowMacros },
        { "{{ macros.ds_format('1/5/2015', \"%m/%d/%Y\", \"%Y-%m-%d\") }}", "2015-01-05", AirflowMacros },

        // templates-ref: "{{ ts }} ... Example: 2018-01-01T00:00:00+00:00", "{{ ts_nodash }} ... Example: 20180101T000000",
        // "{{ ts_nodash_with_tz }} ... Example: 20180101T000000+0000"; "{{ ds }} ... Same as {{ logical_date | ds }}".
        { "{{ ts }}", "2018-01-01T00:00:00+00:00", AirflowTemplatesRef },
        { "{{ ts_nodash }}", "20180101T000000", AirflowTemplatesRef },
        { "{{ ts_nodash_with_tz }}", "20180101T000000+0000", AirflowTemplatesRef },
        { "{{ logical_date | ds }} {{ logical_date | ds_nodash }}", "2018-01-01 20180101", AirflowTemplatesRef },
        { "{{ logical_date | ts_nodash_with_tz }}", "20180101T000000+0000", AirflowTemplatesRef },

        // macros-ref (2.0): "if {{ ds }} is 2018-01-01 and schedule_interval is @weekly, {{ next_ds }} will be 2018-01-08".
        { "{{ next_ds }} {{ next_ds_nodash }}", "2018-01-08 20180108", AirflowMacrosRef20 },

        // templates-ref: "{{ var.value.get('my.var', 'fallback') }}" gives the fallback when the variable does not exist.
        { "{{ var.value.get('my.var', 'fallback') }}/{{ var.value.bucket }}", "fallback/raw-data", AirflowTemplatesRef },

        // templates-ref: "{{ task.task_id }}" is the task's id; the DAG object's dag_id likewise.
        { "{{ dag.dag_id }}.{{ task.task_id }}", "example.extract", AirflowTemplatesRef },

        // do_replace: '{{ "Hello World"|replace("Hello", "Goodbye") }} -> Goodbye World',
        // '{{ "aaaaargh"|replace("a", "d'oh, ", 2) }} -> d'oh, d'oh, aaargh'.
        { "{{ \"Hello World\"|replace(\"Hello\", \"Goodbye\") }}", "Goodbye World", JinjaFilters },
        { "{{ \"aaaaargh\"|replace(\"a\", \"d'oh, \", 2) }}", "d'oh, d'oh, aaargh", JinjaFilters },

        // do_default: "{{ my_variable|default('my_variable is not defined') }}" and
        // "{{ ''|default('the string was empty', true) }}".
        { "{{ my_variable|default('my_variable is not defined') }}", "my_variable is not defined", JinjaFilters },
        { "{{ ''|default('the string was empty', true) }}", "the string was empty", JinjaFilters },

        // do_join: "{{ [1, 2, 3]|join('|') }} -> 1|2|3", "{{ [1, 2, 3]|join }} -> 123".
        { "{{ [1, 2, 3]|join('|') }}", "1|2|3", JinjaFilters },
        { "{{ [1, 2, 3]|join }}", "123", JinjaFilters },

        // do_round: "{{ 42.55|round }} -> 43.0", "{{ 42.55|round(1, 'floor') }} -> 42.5", "{{ 42.55|round|int }} -> 43".
        { "{{ 42.55|round }}", "43.0", JinjaFilters },
        { "{{ 42.55|round(1, 'floor') }}", "42.5", JinjaFilters },
        { "{{ 42.55|round|int }}", "43", JinjaFilters },

        // do_capitalize: "The first character will be uppercase, all others lowercase"; do_title: "words will start
        // with uppercase letters, all remaining characters are lowercase".
        { "{{ 'hELLO wORLD'|capitalize }}|{{ 'hELLO wORLD'|title }}", "Hello world|Hello World", JinjaFilters },

        // do_int: "If the conversion doesn't work it will return 0"; base prefixes 0x for base 16.
        { "{{ 'abc'|int }} {{ '0x1A'|int(0, 16) }} {{ '42'|int + 1 }}", "0 26 43", JinjaFilters },

        // Whitespace control: "{% for item in seq -%} {{ item }} {%- endfor %}" with seq 1..9 "would output 123456789".
        { "{% for item in params.seq -%}\n    {{ item }}\n{%- endfor %}", "123456789", JinjaTemplates },

        // Math: "{{ 1 + 1 }}" is 2, "{{ 1 / 2 }}" is 0.5, "{{ 20 // 7 }}" is 2, "{{ 11 % 7 }}" is 4, "{{ 2 * 2 }}" is 4,
        // "{{ 2**3 }}" is 8; "~ ... {{ "Hello " ~ name ~ "!" }} would return ... Hello John!".
        { "{{ 1 + 1 }} {{ 1 / 2 }} {{ 20 // 7 }} {{ 11 % 7 }} {{ 2 * 2 }} {{ 2**3 }}", "2 0.5 2 4 4 8", JinjaTemplates },
        { "{% set name = 'John' %}{{ \"Hello \" ~ name ~ \"!\" }}", "Hello John!", JinjaTemplates },

        // For: loop.index is "the current iteration of the loop (1 indexed)", loop.first / loop.last "True if first /
        // last iteration"; the loop's else block renders "if no iteration took place because the sequence was empty".
        { "{% for x in ['a', 'b', 'c'] %}{{ loop.index }}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}", "1a,2b,3c", JinjaTemplates },
        { "{% for x in [] %}{{ x }}{% else %}no rows{% endfor %}", "no rows", JinjaTemplates },

        // If: "{% if kenny.sick %} Kenny is sick. {% elif kenny.dead %} You killed Kenny! ... {% else %} Kenny looks okay".
        { "{% set kenny = {'sick': false, 'dead': true} %}{% if kenny.sick %}Kenny is sick.{% elif kenny.dead %}You killed Kenny!{% else %}Kenny looks okay{% endif %}", "You killed Kenny!", JinjaTemplates },

        // Comments: "{# ... #}" ... "not included in the template output".
        { "SELECT 1{# a note for readers #} AS one", "SELECT 1 AS one", JinjaTemplates },

        // Macros: the documented "{% macro input(name, value='', type='text', size=20) -%} <input type="{{ type }}" ...>
        // {%- endmacro %}" called as "{{ input('password', type='password') }}" (without '|e', which the subset lacks).
        {
            "{% macro input(name, value='', type='text', size=20) -%}\n    <input type=\"{{ type }}\" name=\"{{ name }}\" value=\"{{ value }}\" size=\"{{ size }}\">\n{%- endmacro %}<p>{{ input('password', type='password') }}</p>",
            "<p><input type=\"password\" name=\"password\" value=\"\" size=\"20\"></p>",
            JinjaTemplates
        },
    };

    [Theory]
    [MemberData(nameof(Documented))]
    public void Render_DocumentedTemplate_GivesDocumentedOutput(string template, string expected, string source)
    {
        var actual = TemplateRenderer.Render(template, Context);

        Assert.True(string.Equals(expected, actual, StringComparison.Ordinal), $"{template}\n rendered '{actual}', {source} says '{expected}'");
    }

    [Fact]
    public void Render_PrevDsWithWeeklySchedule_IsPreviousScheduleDate()
    {
        // macros-ref (2.0): "if {{ ds }} is 2018-01-08 and schedule_interval is @weekly, {{ prev_ds }} will be 2018-01-01".
        var weekly = Context with
        {
            LogicalDate = new DateTimeOffset(2018, 1, 8, 0, 0, 0, TimeSpan.Zero),
            PreviousLogicalDate = new DateTimeOffset(2018, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };

        Assert.Equal("2018-01-08 2018-01-01 20180101", TemplateRenderer.Render("{{ ds }} {{ prev_ds }} {{ prev_ds_nodash }}", weekly));
    }

    [Fact]
    public void Render_PrevDsWithoutPreviousRun_IsNoneAndDefaultCanReplaceIt()
    {
        // templates-ref: prev_ds is "the previous execution date as YYYY-MM-DD if exists, else None"; none prints empty here
        // (the README says why), and default(..., true) replaces a falsy value as do_default documents.
        Assert.Equal("|first", TemplateRenderer.Render("{{ prev_ds }}|{{ prev_ds | default('first', true) }}", Context));
    }

    [Fact]
    public void Render_DsAddOfDsMinusOne_IsTheDayBefore()
    {
        // The issue's own example, with ds_add's documented semantics: days may be negative.
        Assert.Equal("2017-12-31", TemplateRenderer.Render("{{ macros.ds_add(ds, -1) }}", Context));
        Assert.Equal("20180101", TemplateRenderer.Render("{{ ds | replace('-', '') }}", Context));
    }
}
