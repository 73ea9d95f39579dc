using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Pipelines.Templating.Evaluation;

/// <summary>
/// The value model of the Jinja subset and its Python semantics: values are <see langword="null"/> (none),
/// <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, <see cref="DateTimeOffset"/>,
/// lists (<see cref="IReadOnlyList{T}"/>), mappings (<see cref="IReadOnlyDictionary{TKey, TValue}"/> with string keys),
/// <see cref="TemplateFunction"/> and <see cref="Undefined"/>.
/// </summary>
internal static class TemplateValues
{
    /// <summary>Converts a JSON value from the context (a parameter, an item) into a template value.</summary>
    /// <param name="node">The JSON value.</param>
    /// <returns>The template value.</returns>
    public static object? FromJson(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonArray array:
                return array.Select(FromJson).ToList();
            case JsonObject obj:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, value) in obj)
                {
                    map[key] = FromJson(value);
                }

                return map;
            default:
                var scalar = node.AsValue();
                return scalar.GetValueKind() switch
                {
                    JsonValueKind.String => scalar.GetValue<string>(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number => Number(scalar.ToJsonString()),
                    _ => null,
                };
        }
    }

    /// <summary>Gets the text a value prints as in <c>{{ … }}</c>, <c>~</c>, <c>| string</c> and <c>| join</c>.</summary>
    /// <remarks>
    /// Strings as is, numbers as Python prints them (<c>43.0</c>), date-times as ISO 8601 with the offset. Booleans,
    /// none, lists and mappings print as JSON (<c>true</c>, empty, <c>["A","B"]</c>) as the project's templates always
    /// have, where Jinja would print Python's <c>True</c>, <c>None</c> and <c>['A', 'B']</c>: the text lands in SQL and
    /// arguments, where JSON's spelling is the useful one.
    /// </remarks>
    /// <param name="value">The value.</param>
    /// <param name="name">What the value is, for the error message when it cannot print.</param>
    /// <returns>The text.</returns>
    public static string ToText(object? value, string name = "the value") => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        DateTimeOffset t => TemplateRenderer.FormatDateTime(t),
        Undefined u => throw new InvalidOperationException(u.Message),
        TemplateFunction f => throw new InvalidOperationException($"{name} is the function '{f.Name}': call it with '(…)'"),
        _ => ToJson(value),
    };

    /// <summary>Gets a value as compact JSON, as <see cref="JsonNode.ToJsonString"/> writes it.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Gets a value's truth, as Python's <c>bool()</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The truth.</returns>
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        IReadOnlyDictionary<string, object?> map => map.Count > 0,
        Undefined u => throw new InvalidOperationException(u.Message),
        _ => true,
    };

    /// <summary>Gets a value's Python type name, for messages.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The name.</returns>
    public static string TypeName(object? value) => value switch
    {
        null => "none",
        string => "string",
        bool => "bool",
        long => "int",
        double => "float",
        DateTimeOffset => "datetime",
        IReadOnlyList<object?> => "list",
        IReadOnlyDictionary<string, object?> => "dict",
        TemplateFunction => "function",
        _ => "undefined",
    };

    /// <summary>Gets whether a value is a number (booleans count, as in Python).</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> for int, float and bool.</returns>
    public static bool IsNumber(object? value) => value is long or double or bool;

    /// <summary>Gets a number as a double.</summary>
    /// <param name="value">A number.</param>
    /// <returns>The double.</returns>
    public static double AsDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException($"expected a number, got {TypeName(value)}"),
    };

    /// <summary>Gets an integer (or bool) as a long.</summary>
    /// <param name="value">An int or bool.</param>
    /// <returns>The long.</returns>
    public static long AsLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException($"expected an integer, got {TypeName(value)}"),
    };

    /// <summary>Compares two values for equality, as Python's <c>==</c>.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool AreEqual(object? left, object? right)
    {
        if (left is Undefined u)
        {
            throw new InvalidOperationException(u.Message);
        }

        if (right is Undefined v)
        {
            throw new InvalidOperationException(v.Message);
        }

        if (IsNumber(left) && IsNumber(right))
        {
            return left is double || right is double ? AsDouble(left) == AsDouble(right) : AsLong(left) == AsLong(right);
        }

        return (left, right) switch
        {
            (null, null) => true,
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            (DateTimeOffset a, DateTimeOffset b) => a == b,
            (IReadOnlyList<object?> a, IReadOnlyList<object?> b) => a.Count == b.Count && a.Zip(b).All(p => AreEqual(p.First, p.Second)),
            (IReadOnlyDictionary<string, object?> a, IReadOnlyDictionary<string, object?> b) =>
                a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && AreEqual(p.Value, other)),
            _ => ReferenceEquals(left, right),
        };
    }

    /// <summary>Orders two values, as Python's <c>&lt;</c>: numbers with numbers, strings with strings, date-times with date-times.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>Negative, zero or positive.</returns>
    public static int Compare(object? left, object? right)
    {
        if (IsNumber(left) && IsNumber(right))
        {
            return left is double || right is double ? AsDouble(left).CompareTo(AsDouble(right)) : AsLong(left).CompareTo(AsLong(right));
        }

        return (left, right) switch
        {
            (string a, string b) => string.CompareOrdinal(a, b),
            (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
            (Undefined u, _) => throw new InvalidOperationException(u.Message),
            (_, Undefined u) => throw new InvalidOperationException(u.Message),
            _ => throw new InvalidOperationException($"cannot order {TypeName(left)} and {TypeName(right)}"),
        };
    }

    /// <summary>Gets whether <paramref name="item"/> is in <paramref name="container"/>, as Python's <c>in</c>.</summary>
    /// <param name="item">The item.</param>
    /// <param name="container">A string, list or mapping.</param>
    /// <returns>Whether it is.</returns>
    public static bool Contains(object? container, object? item) => container switch
    {
        string s when item is string part => s.Contains(part, StringComparison.Ordinal),
        string => throw new InvalidOperationException($"'in <string>' needs a string on the left, got {TypeName(item)}"),
        IReadOnlyList<object?> list => list.Any(x => AreEqual(x, item)),
        IReadOnlyDictionary<string, object?> map => item is string key && map.ContainsKey(key),
        Undefined u => throw new InvalidOperationException(u.Message),
        _ => throw new InvalidOperationException($"'in' needs a string, list or dict on the right, got {TypeName(container)}"),
    };

    /// <summary>Gets the items a value iterates over, as Python's <c>iter()</c>: a mapping gives its keys, a string its characters.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The items.</returns>
    public static IReadOnlyList<object?> Iterate(object? value) => value switch
    {
        IReadOnlyList<object?> list => list,
        IReadOnlyDictionary<string, object?> map => map.Keys.Cast<object?>().ToList(),
        string s => s.Select(c => (object?)c.ToString()).ToList(),
        Undefined u => throw new InvalidOperationException(u.Message),
        _ => throw new InvalidOperationException($"cannot loop over {TypeName(value)}"),
    };

    /// <summary>Parses a number's JSON or literal text: an integer when it has no fraction or exponent, else a float.</summary>
    /// <param name="text">The text.</param>
    /// <returns>A long or a double.</returns>
    public static object Number(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? (object)l : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Formats a float as Python's <c>repr</c>: shortest round-trip digits, <c>.0</c> on whole numbers, <c>1e+16</c> exponents.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var e = shortest.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return shortest.Contains('.', StringComparison.Ordinal) ? shortest : shortest + ".0";
        }

        var abs = Math.Abs(value);
        if (abs >= 1e-4 && abs < 1e16)
        {
            // .NET switches to exponent notation earlier than Python, which prints [1e-4, 1e16) positionally.
            var positional = ((decimal)value).ToString(CultureInfo.InvariantCulture);
            return positional.Contains('.', StringComparison.Ordinal) ? positional : positional + ".0";
        }

        var exponent = int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{shortest[..e]}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}");
    }

    private static void WriteJson(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case DateTimeOffset t:
                writer.WriteStringValue(TemplateRenderer.FormatDateTime(t));
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    WriteJson(writer, item);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteStringValue(ToText(value));
                break;
        }
    }
}
