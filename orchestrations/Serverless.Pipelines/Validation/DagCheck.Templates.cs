using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Templating;
using Serverless.Spark.Dialect;

namespace Serverless.Pipelines.Validation;

/// <summary>The checks of a task's templated text (SQL, file, args and the other rendered fields): the Spark SQL, and what each template refers to.</summary>
internal sealed partial class DagCheck
{
    private void CheckTemplates(DagTask task, string path)
    {
        void Check(string? template, string fieldPath)
        {
            if (template is not null)
            {
                CheckTemplate(task, template, fieldPath);
            }
        }

        Check(task.Sql, path + ".sql");
        // Task SQL is Spark SQL on every backend: what the local engine cannot run with Spark's meaning is refused
        // here, with the construct and its line in the SQL, not at run time. SQL with template statements
        // ({% %}, {# #}) is checked when rendered, since its text before rendering is not SQL.
        if (task.Kind == DagTaskKind.Sql && task.Sql is { } sql
            && !sql.Contains("{%", StringComparison.Ordinal) && !sql.Contains("{#", StringComparison.Ordinal))
        {
            foreach (var problem in SparkSqlDialect.Check(sql))
            {
                Add(path + ".sql", $"Spark SQL line {problem.Line}: {problem.Message}");
            }
        }

        Check(task.File, path + ".file");
        for (var i = 0; i < task.Args.Count; i++)
        {
            Check(task.Args[i], Item(path + ".args", i));
        }

        for (var i = 0; i < task.PyFiles.Count; i++)
        {
            Check(task.PyFiles[i], Item(path + ".pyFiles", i));
        }

        for (var i = 0; i < task.Jars.Count; i++)
        {
            Check(task.Jars[i], Item(path + ".jars", i));
        }

        foreach (var (key, value) in task.Conf)
        {
            Check(value, path + ".conf." + key);
        }

        for (var i = 0; i < task.Inputs.Count; i++)
        {
            Check(task.Inputs[i].Path, Item(path + ".inputs", i) + ".path");
        }

        for (var i = 0; i < task.Outputs.Count; i++)
        {
            Check(task.Outputs[i].Path, Item(path + ".outputs", i) + ".path");
        }

        Check(task.Sensor?.Path, path + ".sensor.path");
        Check(task.Sensor?.At, path + ".sensor.at");
        Check(task.Branch?.Sql, path + ".branch.sql");
        foreach (var (name, query) in task.Values)
        {
            Check(query, path + ".values." + name);
        }
    }

    private void CheckTemplate(DagTask task, string template, string path)
    {
        // The renderer reports what it knows alone (syntax, filters, macros, unknown names), all of it, each with its
        // line inside the template; the references only the DAG can resolve are checked here.
        var check = TemplateRenderer.Check(template);
        foreach (var problem in check.Problems)
        {
            Add(path, problem.ToString());
        }

        foreach (var reference in check.References)
        {
            if (!reference.IsGuarded && ReferenceProblem(task, reference) is { } problem)
            {
                Add(path, new TemplateProblem(reference.Line, reference.Column, $"unknown template reference '{{{{ {reference.Expression} }}}}': {problem}").ToString());
            }
        }
    }

    private string? ReferenceProblem(DagTask task, TemplateReference reference)
    {
        var s = reference.Segments;
        switch (s[0])
        {
            case "params":
                // params alone is the whole mapping; params.NAME.more reads inside an object parameter.
                return s.Count >= 2 && dag.FindParam(s[1]) is null ? $"no parameter '{s[1]}' is declared" : null;
            case "outputs":
                if (s.Count > 3)
                {
                    return "write outputs.TASK.OUTPUT";
                }

                return s.Count < 2 ? null : UpstreamProblem(task, s[1], s.Count == 3 ? s[2] : null);
            case "tasks":
                if (s.Count >= 3 && s[2] != "values")
                {
                    return "write tasks.TASK.values.NAME";
                }

                return s.Count < 2 ? null : UpstreamProblem(task, s[1], null) ?? TaskValueProblem(s[1], s.Count >= 4 ? s[3] : null);
            case "item":
            case "map_index" when s.Count == 1:
                return task.Expand is null ? $"'{s[0]}' exists only in tasks with 'expand'" : null;
            default:
                return "map_index has no attributes";
        }
    }

    private string? UpstreamProblem(DagTask task, string upstreamId, string? output)
    {
        if (FindTask(upstreamId) is not { } upstream)
        {
            return $"no task '{upstreamId}'";
        }

        if (output is not null && upstream.FindOutput(output) is null)
        {
            return $"task '{upstreamId}' has no output '{output}'";
        }

        return AncestorsOf(task.Id).Contains(upstreamId) ? null : $"task '{upstreamId}' is not upstream of '{task.Id}'";
    }
}
