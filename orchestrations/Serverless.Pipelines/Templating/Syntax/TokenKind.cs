namespace Serverless.Pipelines.Templating.Syntax;

/// <summary>The kinds of token the template lexer produces.</summary>
internal enum TokenKind
{
    /// <summary>Literal text between tags, whitespace control already applied.</summary>
    Text,

    /// <summary><c>{{</c>.</summary>
    PrintBegin,

    /// <summary><c>}}</c>.</summary>
    PrintEnd,

    /// <summary><c>{%</c>.</summary>
    BlockBegin,

    /// <summary><c>%}</c>.</summary>
    BlockEnd,

    /// <summary>A name: a variable, keyword, filter or test.</summary>
    Name,

    /// <summary>A quoted string, unescaped.</summary>
    String,

    /// <summary>An integer literal.</summary>
    Integer,

    /// <summary>A floating-point literal.</summary>
    Float,

    /// <summary>An operator or punctuation, such as <c>==</c>, <c>|</c> or <c>(</c>.</summary>
    Operator,

    /// <summary>The end of the template.</summary>
    End,
}
