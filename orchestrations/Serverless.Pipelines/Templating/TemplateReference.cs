namespace Serverless.Pipelines.Templating;

/// <summary>
/// One reference of a template to a value only the DAG can vouch for (<c>params</c>, <c>outputs</c>, <c>tasks</c>,
/// <c>item</c>, <c>map_index</c>): the static part of its path, such as <c>params.min_delay</c> from
/// <c>{{ params['min_delay'] | int }}</c>.
/// </summary>
/// <param name="Expression">The path as text, segments joined with dots.</param>
/// <param name="Segments">The path's segments, as far as they are known before the run.</param>
/// <param name="Line">The 1-based line inside the template.</param>
/// <param name="Column">The 1-based column inside the template.</param>
/// <param name="IsGuarded">Whether the reference sits under <c>| default</c> or <c>is defined</c>, so a missing value is handled by the template.</param>
internal sealed record TemplateReference(string Expression, IReadOnlyList<string> Segments, int Line = 0, int Column = 0, bool IsGuarded = false);
