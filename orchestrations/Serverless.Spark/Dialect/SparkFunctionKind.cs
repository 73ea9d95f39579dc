namespace Serverless.Spark.Dialect;

/// <summary>Gets how the local dialect runs a Spark function.</summary>
internal enum SparkFunctionKind
{
    /// <summary>A DuckDB function with Spark's meaning, called under its DuckDB name with the same arguments.</summary>
    Native,

    /// <summary>A DuckDB macro named <c>spark_*</c>, created once per connection, called with the same arguments.</summary>
    Macro,

    /// <summary>An expression template over the arguments (<c>{0}</c>, <c>{1}</c>, ...), for forms a macro cannot take (lambdas, variadic lists).</summary>
    Template,

    /// <summary>A construct the rewriter handles itself (constructors, datetime patterns, casts).</summary>
    Rewrite,
}
