namespace Serverless.Pipelines.Templating.Syntax;

// The statement tree of the Jinja subset; like the expressions, small records that share a file.

/// <summary>A piece of a template body, located at its tag.</summary>
/// <param name="Line">The 1-based line.</param>
/// <param name="Column">The 1-based column.</param>
internal abstract record TemplateNode(int Line, int Column);

/// <summary>Literal text.</summary>
internal sealed record TextNode(int Line, int Column, string Text) : TemplateNode(Line, Column);

/// <summary><c>{{ expression }}</c>.</summary>
internal sealed record PrintNode(int Line, int Column, Expression Value) : TemplateNode(Line, Column);

/// <summary><c>{% if %}</c> with its <c>elif</c> branches and <c>else</c>.</summary>
internal sealed record IfNode(int Line, int Column, IReadOnlyList<(Expression Condition, IReadOnlyList<TemplateNode> Body)> Branches, IReadOnlyList<TemplateNode> Otherwise) : TemplateNode(Line, Column);

/// <summary><c>{% for a[, b] in iterable [if filter] %}</c> … <c>{% else %}</c> … <c>{% endfor %}</c>.</summary>
internal sealed record ForNode(int Line, int Column, IReadOnlyList<string> Targets, Expression Iterable, Expression? Filter, IReadOnlyList<TemplateNode> Body, IReadOnlyList<TemplateNode> Otherwise) : TemplateNode(Line, Column);

/// <summary><c>{% set name = value %}</c>.</summary>
internal sealed record SetNode(int Line, int Column, IReadOnlyList<string> Targets, Expression Value) : TemplateNode(Line, Column);

/// <summary><c>{% macro name(a, b=default) %}</c> … <c>{% endmacro %}</c>.</summary>
internal sealed record MacroNode(int Line, int Column, string Name, IReadOnlyList<(string Name, Expression? Default)> Parameters, IReadOnlyList<TemplateNode> Body) : TemplateNode(Line, Column);
