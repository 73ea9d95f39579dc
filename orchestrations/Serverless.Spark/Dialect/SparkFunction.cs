namespace Serverless.Spark.Dialect;

/// <summary>One Spark built-in function the local dialect supports.</summary>
/// <param name="Name">The Spark name (lower case).</param>
/// <param name="MinArgs">The fewest arguments.</param>
/// <param name="MaxArgs">The most arguments; <see cref="int.MaxValue"/> for variadic functions.</param>
/// <param name="Kind">How it runs.</param>
/// <param name="Target">The DuckDB function or macro name, or the template.</param>
/// <param name="MacroBody">For macros, the overloads after the name: <c>(x) AS ..., (x, y) AS ...</c>.</param>
internal sealed record SparkFunction(string Name, int MinArgs, int MaxArgs, SparkFunctionKind Kind, string Target, string? MacroBody = null)
{
    /// <summary>Gets the arity as Spark's error messages write it.</summary>
    public string Arity => this.MinArgs == this.MaxArgs ? this.MinArgs.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : this.MaxArgs == int.MaxValue ? $"{this.MinArgs} or more" : $"{this.MinArgs} to {this.MaxArgs}";

    /// <summary>Gets the <c>CREATE MACRO</c> statement of a macro function, or null.</summary>
    public string? CreateStatement => this.Kind == SparkFunctionKind.Macro ? $"CREATE OR REPLACE TEMP MACRO {this.Target}{this.MacroBody}" : null;
}
