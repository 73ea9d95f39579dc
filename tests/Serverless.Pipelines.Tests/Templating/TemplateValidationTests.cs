using Serverless.Pipelines.Loading;

namespace Serverless.Pipelines.Tests.Templating;

/// <summary>How template problems reach the DAG validator's report: all of them, each with its line inside the template.</summary>
public sealed class TemplateValidationTests
{
    [Fact]
    public void Load_SqlWithSeveralTemplateProblems_ReportsEachWithItsTemplateLine()
    {
        const string yaml = """
            id: t
            params:
              n: {type: integer, default: 1}
            tasks:
              - id: a
                kind: sql
                outputs: [o]
                sql: |
                  SELECT {{ params.n | int }}
                  FROM x WHERE d = '{{ macros.ds_add(ds, -1) }}'
                    AND e = '{{ prev_ds | upper_case }}'
                    AND f = {{ params.nope }}
                    {% for x in [1, 2] %}{{ x }}
            """;

        var problems = DagFileLoader.Load(yaml, "t.yaml").Problems;

        Assert.Collection(
            problems.OrderBy(p => p.Message, StringComparer.Ordinal),
            p => Assert.Contains("'{% for %}' is not closed with '{% endfor %}' (template line 5, column 3)", p.Message, StringComparison.Ordinal),
            p => Assert.Contains("unknown filter 'upper_case'", p.Message, StringComparison.Ordinal),
            p => Assert.Contains("unknown template reference '{{ params.nope }}': no parameter 'nope' is declared (template line 4, column 14)", p.Message, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.Equal("tasks[0].sql", p.Path));
        Assert.Contains("(template line 3, column 25)", problems.Single(p => p.Message.Contains("upper_case", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GuardedReferences_AreNotProblems()
    {
        const string yaml = """
            id: g
            tasks:
              - id: a
                kind: sql
                outputs: [o]
                sql: "SELECT {{ params.limit | default(10) }}{% if params.extra is defined %}, {{ params.extra }}{% endif %}"
            """;

        Assert.Empty(DagFileLoader.Load(yaml, "g.yaml").Problems);
    }
}
