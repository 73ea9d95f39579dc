namespace Serverless.Spark.Tests.Dialect;

/// <summary>One example from the "Examples:" of a Spark built-in function's documentation.</summary>
/// <param name="Function">The function the example documents.</param>
/// <param name="Sql">The example query, as documented.</param>
/// <param name="Expected">Spark's documented result: rows on lines, columns separated by tabs.</param>
public sealed record SparkDocumentedExample(string Function, string Sql, string Expected)
{
    /// <inheritdoc/>
    public override string ToString() => this.Function + ": " + this.Sql;
}
