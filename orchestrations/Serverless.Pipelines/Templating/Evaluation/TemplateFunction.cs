namespace Serverless.Pipelines.Templating.Evaluation;

/// <summary>A callable value: a macro of <c>macros.*</c>, a method such as <c>var.value.get</c>, or a template's own <c>{% macro %}</c>.</summary>
/// <param name="Name">The name, for messages.</param>
/// <param name="Invoke">Calls it with positional and named arguments.</param>
internal sealed record TemplateFunction(string Name, Func<IReadOnlyList<object?>, IReadOnlyDictionary<string, object?>, object?> Invoke);
