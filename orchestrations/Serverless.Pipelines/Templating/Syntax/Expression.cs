namespace Serverless.Pipelines.Templating.Syntax;

// The expression tree of the Jinja subset. The records are small and only meaningful together, so they share a file.

/// <summary>An expression, located at its first token.</summary>
/// <param name="Line">The 1-based line.</param>
/// <param name="Column">The 1-based column.</param>
internal abstract record Expression(int Line, int Column);

/// <summary>A literal: a string, a long, a double, a bool or none (<see langword="null"/>).</summary>
internal sealed record LiteralExpression(int Line, int Column, object? Value) : Expression(Line, Column);

/// <summary>A variable name.</summary>
internal sealed record NameExpression(int Line, int Column, string Name) : Expression(Line, Column);

/// <summary>A list (or tuple) literal.</summary>
internal sealed record ListExpression(int Line, int Column, IReadOnlyList<Expression> Items) : Expression(Line, Column);

/// <summary>A dict literal.</summary>
internal sealed record DictExpression(int Line, int Column, IReadOnlyList<(Expression Key, Expression Value)> Pairs) : Expression(Line, Column);

/// <summary><c>target.name</c>.</summary>
internal sealed record AttributeExpression(int Line, int Column, Expression Target, string Name) : Expression(Line, Column);

/// <summary><c>target[key]</c>.</summary>
internal sealed record ItemExpression(int Line, int Column, Expression Target, Expression Key) : Expression(Line, Column);

/// <summary>A call, <c>callee(args, name=value)</c>.</summary>
internal sealed record CallExpression(int Line, int Column, Expression Callee, IReadOnlyList<Expression> Arguments, IReadOnlyList<(string Name, Expression Value)> NamedArguments) : Expression(Line, Column);

/// <summary>A filter, <c>value | name(args)</c>.</summary>
internal sealed record FilterExpression(int Line, int Column, Expression Value, string Name, IReadOnlyList<Expression> Arguments, IReadOnlyList<(string Name, Expression Value)> NamedArguments) : Expression(Line, Column);

/// <summary>A test, <c>value is [not] name(args)</c>.</summary>
internal sealed record TestExpression(int Line, int Column, Expression Value, string Name, IReadOnlyList<Expression> Arguments, bool Negated) : Expression(Line, Column);

/// <summary>A unary operator: <c>not</c>, <c>-</c>, <c>+</c>.</summary>
internal sealed record UnaryExpression(int Line, int Column, string Operator, Expression Operand) : Expression(Line, Column);

/// <summary>A binary operator: arithmetic, <c>~</c>, <c>and</c>, <c>or</c>.</summary>
internal sealed record BinaryExpression(int Line, int Column, string Operator, Expression Left, Expression Right) : Expression(Line, Column);

/// <summary>A comparison chain, <c>a &lt; b &lt;= c</c>, with <c>in</c> and <c>not in</c>.</summary>
internal sealed record CompareExpression(int Line, int Column, Expression First, IReadOnlyList<(string Operator, Expression Operand)> Rest) : Expression(Line, Column);

/// <summary>The inline if, <c>then if condition else otherwise</c>.</summary>
internal sealed record ConditionalExpression(int Line, int Column, Expression Then, Expression Condition, Expression? Otherwise) : Expression(Line, Column);
