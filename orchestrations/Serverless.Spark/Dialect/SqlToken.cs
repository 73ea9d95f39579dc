namespace Serverless.Spark.Dialect;

/// <summary>One token of a Spark SQL statement.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Text">The text: for strings the decoded value, for quoted identifiers the name, otherwise as written.</param>
/// <param name="Line">The 1-based line in the script the token starts on.</param>
/// <param name="Leading">The whitespace before the token (comments are replaced by spaces and their line breaks).</param>
internal sealed record SqlToken(SqlTokenKind Kind, string Text, int Line, string Leading)
{
    /// <summary>Gets a value indicating whether the token is the word <paramref name="word"/> (case-insensitive).</summary>
    /// <param name="word">The word.</param>
    /// <returns>Whether it is.</returns>
    public bool IsWord(string word) => this.Kind == SqlTokenKind.Word && string.Equals(this.Text, word, StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets a value indicating whether the token is the symbol <paramref name="symbol"/>.</summary>
    /// <param name="symbol">The symbol.</param>
    /// <returns>Whether it is.</returns>
    public bool IsSymbol(string symbol) => this.Kind == SqlTokenKind.Symbol && string.Equals(this.Text, symbol, StringComparison.Ordinal);
}
