namespace Serverless.Spark.Dialect;

/// <summary>A construct of a Spark SQL script the local dialect refuses, with where it is.</summary>
/// <param name="Line">The 1-based line in the script.</param>
/// <param name="Construct">The function or construct, as written (for example <c>hash</c> or <c>PIVOT</c>).</param>
/// <param name="Message">What is wrong and what to do instead.</param>
public sealed record SparkSqlProblem(int Line, string Construct, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"line {this.Line}: {this.Message}";
}
