namespace Serverless.Spark.Dialect;

/// <summary>Gets the kind of a token of a Spark SQL statement.</summary>
internal enum SqlTokenKind
{
    /// <summary>A bare word: a keyword, a name or a function name.</summary>
    Word,

    /// <summary>A backtick-quoted identifier; the text is the name without quotes.</summary>
    QuotedIdentifier,

    /// <summary>A string literal (single or double quotes, optionally raw); the text is the value.</summary>
    String,

    /// <summary>A numeric literal, possibly with a Spark type suffix (<c>L</c>, <c>S</c>, <c>Y</c>, <c>D</c>, <c>F</c>, <c>BD</c>).</summary>
    Number,

    /// <summary>An operator or punctuation.</summary>
    Symbol,

    /// <summary>An unrendered <c>{{ ... }}</c> template placeholder, kept as written.</summary>
    Template,
}
