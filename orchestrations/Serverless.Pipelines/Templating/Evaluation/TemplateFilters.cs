using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Pipelines.Templating.Evaluation;

/// <summary>
/// The filters of the Jinja subset, with Jinja's semantics (<c>jinja2/filters.py</c>), and Airflow's date filters
/// (<c>ds</c>, <c>ds_nodash</c>, <c>ts</c>, <c>ts_nodash</c>, <c>ts_nodash_with_tz</c>).
/// </summary>
internal static partial class TemplateFilters
{
    /// <summary>The filters and their parameters.</summary>
    public static readonly IReadOnlyDictionary<string, CallArguments> Known = new Dictionary<string, CallArguments>(StringComparer.Ordinal)
    {
        ["abs"] = new([], 0),
        ["capitalize"] = new([], 0),
        ["count"] = new([], 0),
        ["d"] = new(["default_value", "boolean"], 0),
        ["default"] = new(["default_value", "boolean"], 0),
        ["first"] = new([], 0),
        ["float"] = new(["default"], 0),
        ["int"] = new(["default", "base"], 0),
        ["join"] = new(["d", "attribute"], 0),
        ["last"] = new([], 0),
        ["length"] = new([], 0),
        ["list"] = new([], 0),
        ["lower"] = new([], 0),
        ["replace"] = new(["old", "new", "count"], 2),
        ["round"] = new(["precision", "method"], 0),
        ["string"] = new([], 0),
        ["title"] = new([], 0),
        ["trim"] = new(["chars"], 0),
        ["upper"] = new([], 0),
        ["ds"] = new([], 0),
        ["ds_nodash"] = new([], 0),
        ["ts"] = new([], 0),
        ["ts_nodash"] = new([], 0),
        ["ts_nodash_with_tz"] = new([], 0),
    };

    /// <summary>Gets whether a filter accepts a missing value (<c>default</c> exists for exactly that).</summary>
    /// <param name="name">The filter.</param>
    /// <returns><see langword="true"/> for <c>default</c> and <c>d</c>.</returns>
    public static bool AcceptsUndefined(string name) => name is "default" or "d";

    /// <summary>Applies a filter.</summary>
    /// <param name="name">The filter.</param>
    /// <param name="value">The value left of the <c>|</c>.</param>
    /// <param name="positional">The positional arguments.</param>
    /// <param name="named">The named arguments.</param>
    /// <returns>The result.</returns>
    public static object? Apply(string name, object? value, IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named)
    {
        if (!Known.TryGetValue(name, out var parameters))
        {
            throw new InvalidOperationException(UnknownFilter(name));
        }

        var a = parameters.Bind($"the filter '{name}'", positional, named);
        if (value is Undefined undefined && !AcceptsUndefined(name))
        {
            throw new InvalidOperationException(undefined.Message);
        }

        object? Arg(int i, object? fallback) => ReferenceEquals(a[i], CallArguments.Missing) ? fallback : a[i];

        return name switch
        {
            "abs" => value switch
            {
                long l => l == long.MinValue ? throw new InvalidOperationException("integer overflow") : (object)Math.Abs(l),
                double d => Math.Abs(d),
                bool b => b ? 1L : 0L,
                _ => throw TypeError("abs", value),
            },
            "capitalize" => Capitalize(Text(value)),
            "count" or "length" => value switch
            {
                string s => (long)s.Length,
                IReadOnlyList<object?> list => (long)list.Count,
                IReadOnlyDictionary<string, object?> map => (long)map.Count,
                _ => throw TypeError(name, value),
            },
            "d" or "default" => value is Undefined || (TemplateValues.IsTrue(Arg(1, false)) && !TemplateValues.IsTrue(value)) ? Arg(0, string.Empty) : value,
            "first" => TemplateValues.Iterate(value) is { Count: > 0 } items ? items[0] : new Undefined("… | first", "the sequence is empty"),
            "last" => TemplateValues.Iterate(value) is { Count: > 0 } items ? items[^1] : new Undefined("… | last", "the sequence is empty"),
            "float" => ToFloat(value) ?? Arg(0, 0.0),
            "int" => ToInt(value, (int)TemplateValues.AsLong(Arg(1, 10L))) ?? Arg(0, 0L),
            "join" => Join(Text(Arg(0, string.Empty)), TemplateValues.Iterate(value).Select(item => TemplateValues.ToText(Arg(1, null) is string key ? TemplateMembers.Item(item, key) : item))),
            "list" => TemplateValues.Iterate(value),
            "lower" => Text(value).ToLowerInvariant(),
            "upper" => Text(value).ToUpperInvariant(),
            "replace" => Replace(Text(value), Text(a[0]), Text(a[1]), Arg(2, null) is { } count ? TemplateValues.AsLong(count) : -1),
            "round" => Round(value, TemplateValues.AsLong(Arg(0, 0L)), Arg(1, "common") as string ?? throw new InvalidOperationException("round's method must be a string")),
            "string" => Text(value),
            "title" => Title(Text(value)),
            "trim" => Arg(0, null) is string chars ? Text(value).Trim(chars.ToCharArray()) : Text(value).Trim(),
            "ds" => PythonDateFormat.Format(Date("ds", value).DateTime, null, "%Y-%m-%d"),
            "ds_nodash" => PythonDateFormat.Format(Date("ds_nodash", value).DateTime, null, "%Y%m%d"),
            "ts" => TemplateRenderer.FormatDateTime(Date("ts", value)),
            "ts_nodash" => PythonDateFormat.Format(Date("ts_nodash", value).DateTime, null, "%Y%m%dT%H%M%S"),
            _ => TemplateRenderer.FormatDateTime(Date("ts_nodash_with_tz", value)).Replace("-", string.Empty, StringComparison.Ordinal).Replace(":", string.Empty, StringComparison.Ordinal),
        };
    }

    /// <summary>Gets the message for an unknown filter, with the known ones.</summary>
    /// <param name="name">The filter.</param>
    /// <returns>The message.</returns>
    public static string UnknownFilter(string name) => $"unknown filter '{name}': the filters are {string.Join(", ", Known.Keys.Order(StringComparer.Ordinal))}";

    /// <summary>Python's <c>str.replace</c>: <paramref name="count"/> replacements at most, all when negative.</summary>
    /// <param name="text">The text.</param>
    /// <param name="old">What to replace.</param>
    /// <param name="replacement">What to put instead.</param>
    /// <param name="count">The most replacements, or negative for all.</param>
    /// <returns>The result.</returns>
    public static string Replace(string text, string old, string replacement, long count)
    {
        var result = new StringBuilder();
        var position = 0;
        var done = 0L;
        if (old.Length == 0)
        {
            // Python inserts the replacement between every character and at both ends.
            for (var i = 0; i <= text.Length && (count < 0 || done < count); i++, done++)
            {
                CheckLength(result.Length + (long)replacement.Length + 1);
                result.Append(replacement);
                if (i < text.Length)
                {
                    result.Append(text[i]);
                }

                position = i + 1;
            }

            return result.Append(text, Math.Min(position, text.Length), Math.Max(0, text.Length - position)).ToString();
        }

        while (count < 0 || done < count)
        {
            var found = text.IndexOf(old, position, StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            CheckLength(result.Length + (long)(found - position) + replacement.Length);
            result.Append(text, position, found - position).Append(replacement);
            position = found + old.Length;
            done++;
        }

        return result.Append(text, position, text.Length - position).ToString();
    }

    private static string Join(string separator, IEnumerable<string> items)
    {
        var text = new StringBuilder();
        var first = true;
        foreach (var item in items)
        {
            var gap = first ? string.Empty : separator;
            CheckLength(text.Length + (long)gap.Length + item.Length);
            text.Append(gap).Append(item);
            first = false;
        }

        return text.ToString();
    }

    private static void CheckLength(long length)
    {
        if (length > TemplateLimits.MaxOutputLength)
        {
            throw new InvalidOperationException($"the value would be longer than {TemplateLimits.MaxOutputLength} characters");
        }
    }

    [GeneratedRegex(@"([-\s({\[<]+)", RegexOptions.CultureInvariant)]
    private static partial Regex WordBeginning();

    private static string Text(object? value) => TemplateValues.ToText(value);

    private static InvalidOperationException TypeError(string filter, object? value) => new($"the filter '{filter}' cannot take {TemplateValues.TypeName(value)}");

    private static DateTimeOffset Date(string filter, object? value) => value is DateTimeOffset date ? date : throw TypeError(filter, value);

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    // Jinja's do_title: split before word beginnings (after '-', whitespace and opening brackets), capitalize each piece.
    private static string Title(string s) => string.Concat(WordBeginning().Split(s).Where(p => p.Length > 0).Select(Capitalize));

    private static object? ToInt(object? value, int numberBase)
    {
        switch (value)
        {
            case long or bool:
                return TemplateValues.AsLong(value);
            case double d:
                return double.IsFinite(d) && Math.Abs(d) < 9.2e18 ? (long)Math.Truncate(d) : null;
            case string s:
                var text = s.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
                try
                {
                    if (numberBase == 10 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                    {
                        return l;
                    }

                    if (numberBase is 2 or 8 or 16 && text.Length > 0)
                    {
                        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || text.StartsWith("0o", StringComparison.OrdinalIgnoreCase) || text.StartsWith("0b", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
                        return Convert.ToInt64(digits, numberBase);
                    }
                }
                catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
                {
                    return null;
                }

                // Jinja falls back to int(float(value)): "42.5" | int is 42.
                return ToFloat(s) is double f ? ToInt(f, 10) : null;
            default:
                return null;
        }
    }

    private static double? ToFloat(object? value) => value switch
    {
        long or bool or double => TemplateValues.AsDouble(value),
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static object Round(object? value, long precision, string method)
    {
        if (!TemplateValues.IsNumber(value))
        {
            throw TypeError("round", value);
        }

        var digits = (int)Math.Clamp(precision, -15, 15);
        switch (method)
        {
            case "common":
                if (value is not double d)
                {
                    // Python's round() of an int stays an int.
                    var l = TemplateValues.AsLong(value);
                    if (digits >= 0)
                    {
                        return l;
                    }

                    var scale = (long)Math.Pow(10, -digits);
                    return (long)Math.Round((double)l / scale, MidpointRounding.ToEven) * scale;
                }

                return digits >= 0 ? Math.Round(d, digits, MidpointRounding.ToEven) : Math.Round(d / Math.Pow(10, -digits), MidpointRounding.ToEven) * Math.Pow(10, -digits);
            case "floor":
                return Math.Floor(TemplateValues.AsDouble(value) * Math.Pow(10, digits)) / Math.Pow(10, digits);
            case "ceil":
                return Math.Ceiling(TemplateValues.AsDouble(value) * Math.Pow(10, digits)) / Math.Pow(10, digits);
            default:
                throw new InvalidOperationException("round's method must be 'common', 'floor' or 'ceil'");
        }
    }
}
