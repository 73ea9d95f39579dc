namespace Serverless.Pipelines.Templating;

/// <summary>What checking a template before a run found.</summary>
/// <param name="Problems">Every problem the template has on its own: syntax, unknown filters, macros and variables.</param>
/// <param name="References">The references only the DAG can resolve, for the validator to check.</param>
internal sealed record TemplateCheck(IReadOnlyList<TemplateProblem> Problems, IReadOnlyList<TemplateReference> References);
