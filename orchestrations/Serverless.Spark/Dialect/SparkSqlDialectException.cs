namespace Serverless.Spark.Dialect;

/// <summary>The exception thrown when Spark SQL uses what the local dialect refuses; the message lists every problem with its line.</summary>
public sealed class SparkSqlDialectException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SparkSqlDialectException"/> class.</summary>
    public SparkSqlDialectException()
        : this([])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SparkSqlDialectException"/> class.</summary>
    /// <param name="message">The message.</param>
    public SparkSqlDialectException(string message)
        : base(message)
    {
        this.Problems = [];
    }

    /// <summary>Initializes a new instance of the <see cref="SparkSqlDialectException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SparkSqlDialectException(string message, Exception innerException)
        : base(message, innerException)
    {
        this.Problems = [];
    }

    /// <summary>Initializes a new instance of the <see cref="SparkSqlDialectException"/> class.</summary>
    /// <param name="problems">The problems.</param>
    public SparkSqlDialectException(IReadOnlyList<SparkSqlProblem> problems)
        : base("The SQL uses what the local Spark SQL dialect does not support: " + string.Join("; ", problems ?? []))
    {
        this.Problems = problems ?? [];
    }

    /// <summary>Gets the problems.</summary>
    public IReadOnlyList<SparkSqlProblem> Problems { get; }
}
