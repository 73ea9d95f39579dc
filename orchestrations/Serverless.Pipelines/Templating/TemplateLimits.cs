namespace Serverless.Pipelines.Templating;

/// <summary>
/// The bounds every template renders within. Templates come from DAG files anyone with write access to the DAG folder
/// can change, and rendering runs inside the orchestrator, so a template must not be able to loop forever, exhaust
/// memory or overflow the stack; exceeding a bound is a <see cref="TemplateException"/>, not a hang.
/// </summary>
public static class TemplateLimits
{
    /// <summary>The longest template accepted, in characters. The value is 1,048,576 (1 Mi): far above any SQL text a task sends.</summary>
    public const int MaxTemplateLength = 1024 * 1024;

    /// <summary>The longest rendered text, in characters. The value is 4,194,304 (4 Mi).</summary>
    public const int MaxOutputLength = 4 * 1024 * 1024;

    /// <summary>The most loop iterations one rendering may run, over all its <c>{% for %}</c> loops together. The value is 100,000.</summary>
    public const int MaxLoopIterations = 100_000;

    /// <summary>The deepest nesting of blocks (<c>if</c>, <c>for</c>, <c>macro</c>) and of parentheses, brackets and unary operators in an expression. The value is 64.</summary>
    public const int MaxNestingDepth = 64;

    /// <summary>
    /// The deepest expression tree, chains included: <c>1 + 1 + … + 1</c> with 300 terms or 300 filters in a row is
    /// 300 deep. The value is 256. Rendering walks the tree recursively; the bound keeps that walk off the stack's edge.
    /// </summary>
    public const int MaxExpressionDepth = 256;

    /// <summary>The deepest chain of macro calls, recursion included. The value is 32.</summary>
    public const int MaxCallDepth = 32;
}
