namespace Serverless.Pipelines.Templating;

/// <summary>One <c>{{ … }}</c> expression of a template: its dotted path split into segments.</summary>
/// <param name="Expression">The trimmed expression text.</param>
/// <param name="Segments">The dotted path's segments.</param>
internal sealed record TemplateReference(string Expression, IReadOnlyList<string> Segments);
