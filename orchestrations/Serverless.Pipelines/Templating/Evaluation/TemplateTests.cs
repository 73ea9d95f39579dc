namespace Serverless.Pipelines.Templating.Evaluation;

/// <summary>The tests of the Jinja subset (<c>x is defined</c>, <c>n is even</c>, …), with Jinja's semantics (<c>jinja2/tests.py</c>).</summary>
internal static class TemplateTests
{
    /// <summary>The tests and their parameters.</summary>
    public static readonly IReadOnlyDictionary<string, CallArguments> Known = new Dictionary<string, CallArguments>(StringComparer.Ordinal)
    {
        ["defined"] = new([], 0),
        ["divisibleby"] = new(["num"], 1),
        ["even"] = new([], 0),
        ["none"] = new([], 0),
        ["number"] = new([], 0),
        ["odd"] = new([], 0),
        ["string"] = new([], 0),
        ["undefined"] = new([], 0),
    };

    /// <summary>Gets whether a test looks only at whether the value exists, so a missing value is not an error.</summary>
    /// <param name="name">The test.</param>
    /// <returns><see langword="true"/> for <c>defined</c> and <c>undefined</c>.</returns>
    public static bool AcceptsUndefined(string name) => name is "defined" or "undefined";

    /// <summary>Runs a test.</summary>
    /// <param name="name">The test.</param>
    /// <param name="value">The value left of <c>is</c>.</param>
    /// <param name="positional">The arguments.</param>
    /// <returns>The outcome.</returns>
    public static bool Run(string name, object? value, IReadOnlyList<object?> positional)
    {
        if (!Known.TryGetValue(name, out var parameters))
        {
            throw new InvalidOperationException(UnknownTest(name));
        }

        var a = parameters.Bind($"the test '{name}'", positional, new Dictionary<string, object?>());
        if (value is Undefined undefined && !AcceptsUndefined(name))
        {
            throw new InvalidOperationException(undefined.Message);
        }

        return name switch
        {
            "defined" => value is not Undefined,
            "undefined" => value is Undefined,
            "none" => value is null,
            "number" => value is long or double,
            "string" => value is string,
            "even" => TemplateValues.AsLong(value) % 2 == 0,
            "odd" => TemplateValues.AsLong(value) % 2 != 0,
            _ => TemplateValues.AsLong(a[0]) is var n && n != 0 ? TemplateValues.AsLong(value) % n == 0 : throw new InvalidOperationException("divisibleby(0)"),
        };
    }

    /// <summary>Gets the message for an unknown test, with the known ones.</summary>
    /// <param name="name">The test.</param>
    /// <returns>The message.</returns>
    public static string UnknownTest(string name) => $"unknown test '{name}': the tests are {string.Join(", ", Known.Keys)}";
}
