namespace Serverless.Pipelines.Templating.Syntax;

/// <summary>One token of a template.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Value">The text: the name, the unescaped string, the operator, the literal text.</param>
/// <param name="Line">The 1-based line where the token starts.</param>
/// <param name="Column">The 1-based column where the token starts.</param>
/// <param name="Start">The offset where the token starts in the template.</param>
/// <param name="End">The offset just after the token, so the parser can tell whether two tokens touch.</param>
internal readonly record struct Token(TokenKind Kind, string Value, int Line, int Column, int Start, int End)
{
    /// <summary>Gets whether the token is the operator <paramref name="op"/>.</summary>
    /// <param name="op">The operator text.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool IsOperator(string op) => Kind == TokenKind.Operator && string.Equals(Value, op, StringComparison.Ordinal);

    /// <summary>Gets whether the token is the name <paramref name="name"/> (a keyword).</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool IsName(string name) => Kind == TokenKind.Name && string.Equals(Value, name, StringComparison.Ordinal);
}
