namespace Serverless.Pipelines.Templating.Evaluation;

/// <summary>
/// Airflow's own macros under <c>macros.</c>, with the semantics of <c>airflow/macros/__init__.py</c> (Airflow 2.x):
/// <c>ds_add(ds, days)</c> and <c>ds_format(ds, input_format, output_format)</c>.
/// </summary>
internal static class AirflowMacros
{
    /// <summary>The macros and their parameters.</summary>
    public static readonly IReadOnlyDictionary<string, CallArguments> Known = new Dictionary<string, CallArguments>(StringComparer.Ordinal)
    {
        ["ds_add"] = new(["ds", "days"], 2),
        ["ds_format"] = new(["ds", "input_format", "output_format"], 3),
    };

    /// <summary>Gets the <c>macros</c> object.</summary>
    /// <returns>The mapping of macro names to functions.</returns>
    public static IReadOnlyDictionary<string, object?> Create() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["ds_add"] = new TemplateFunction("macros.ds_add", (positional, named) =>
        {
            var a = Known["ds_add"].Bind("macros.ds_add", positional, named);
            var ds = TemplateValues.ToText(a[0]);

            // Airflow returns the text unchanged for 0 days, without parsing it.
            if (!TemplateValues.IsTrue(a[1]))
            {
                return ds;
            }

            var days = TemplateValues.IsNumber(a[1]) ? TemplateValues.AsDouble(a[1]) : throw new InvalidOperationException("macros.ds_add needs a number of days");
            return PythonDateFormat.Format(PythonDateFormat.Parse(ds, "%Y-%m-%d").AddDays(days), null, "%Y-%m-%d");
        }),
        ["ds_format"] = new TemplateFunction("macros.ds_format", (positional, named) =>
        {
            var a = Known["ds_format"].Bind("macros.ds_format", positional, named);
            var parsed = PythonDateFormat.Parse(TemplateValues.ToText(a[0]), TemplateValues.ToText(a[1]));
            return PythonDateFormat.Format(parsed, null, TemplateValues.ToText(a[2]));
        }),
    };
}
