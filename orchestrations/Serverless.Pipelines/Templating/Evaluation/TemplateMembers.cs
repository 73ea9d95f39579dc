using System.Globalization;

namespace Serverless.Pipelines.Templating.Evaluation;

/// <summary>
/// Attribute and item access (<c>a.b</c>, <c>a['b']</c>, <c>a[0]</c>) and the few Python methods templates call on
/// strings (<c>ds.replace('-', '')</c>), mappings (<c>var.value.get('x', 'fallback')</c>, <c>d.items()</c>) and
/// date-times (<c>logical_date.strftime('%Y')</c>, <c>data_interval_start.year</c>).
/// </summary>
internal static class TemplateMembers
{
    /// <summary>The methods of strings.</summary>
    public static readonly IReadOnlyList<string> StringMethods = ["capitalize", "endswith", "lower", "lstrip", "replace", "rstrip", "split", "startswith", "strip", "title", "upper"];

    /// <summary>The methods of mappings.</summary>
    public static readonly IReadOnlyList<string> MappingMethods = ["get", "items", "keys", "values"];

    /// <summary>The attributes and methods of date-times.</summary>
    public static readonly IReadOnlyList<string> DateTimeMembers = ["day", "hour", "isoformat", "microsecond", "minute", "month", "second", "strftime", "year"];

    /// <summary>Reads <c>target.name</c>: a mapping's key first (so a parameter called <c>values</c> still reads as itself), then a method.</summary>
    /// <param name="target">The value left of the dot.</param>
    /// <param name="name">The attribute.</param>
    /// <param name="path">The expression as written, for the <see cref="Undefined"/> it may return.</param>
    /// <returns>The value, or an <see cref="Undefined"/>.</returns>
    public static object? Attribute(object? target, string name, string path)
    {
        switch (target)
        {
            case Undefined undefined:
                throw new InvalidOperationException(undefined.Message);
            case IReadOnlyDictionary<string, object?> map:
                return map.TryGetValue(name, out var value) ? value : (object?)MappingMethod(map, name) ?? new Undefined(path);
            case string s:
                return (object?)StringMethod(s, name) ?? new Undefined(path, $"a string has no attribute '{name}'");
            case DateTimeOffset date:
                return DateTimeMember(date, name) ?? new Undefined(path, $"a date-time has no attribute '{name}'");
            default:
                return new Undefined(path, $"{TemplateValues.TypeName(target)} has no attribute '{name}'");
        }
    }

    /// <summary>Reads <c>target[key]</c>: a mapping's key, a list's or string's index (negative from the end), else the attribute.</summary>
    /// <param name="target">The value left of the brackets.</param>
    /// <param name="key">The key or index.</param>
    /// <param name="path">The expression as written, for the <see cref="Undefined"/> it may return.</param>
    /// <returns>The value, or an <see cref="Undefined"/>.</returns>
    public static object? Item(object? target, object? key, string path = "…")
    {
        switch (target, key)
        {
            case (Undefined undefined, _):
                throw new InvalidOperationException(undefined.Message);
            case (_, Undefined undefined):
                throw new InvalidOperationException(undefined.Message);
            case (IReadOnlyDictionary<string, object?> map, string name):
                return map.TryGetValue(name, out var value) ? value : new Undefined(path);
            case (IReadOnlyList<object?> list, long or bool):
                var i = TemplateValues.AsLong(key);
                i = i < 0 ? list.Count + i : i;
                return i >= 0 && i < list.Count ? list[(int)i] : new Undefined(path, "the index is out of range");
            case (string s, long or bool):
                var c = TemplateValues.AsLong(key);
                c = c < 0 ? s.Length + c : c;
                return c >= 0 && c < s.Length ? s[(int)c].ToString() : new Undefined(path, "the index is out of range");
            case (_, string attribute):
                return Attribute(target, attribute, path);
            default:
                return new Undefined(path, $"{TemplateValues.TypeName(target)} cannot be indexed with {TemplateValues.TypeName(key)}");
        }
    }

    private static TemplateFunction Method(string name, CallArguments parameters, Func<object?[], object?> body) =>
        new(name, (positional, named) => body(parameters.Bind($"'{name}'", positional, named)));

    private static bool Given(object? value) => !ReferenceEquals(value, CallArguments.Missing);

    private static TemplateFunction? MappingMethod(IReadOnlyDictionary<string, object?> map, string name) => name switch
    {
        "get" => Method("get", new(["key", "default"], 1), a => a[0] is string key && map.TryGetValue(key, out var v) ? v : Given(a[1]) ? a[1] : null),
        "items" => Method("items", new([], 0), _ => map.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()),
        "keys" => Method("keys", new([], 0), _ => map.Keys.Cast<object?>().ToList()),
        "values" => Method("values", new([], 0), _ => map.Values.ToList()),
        _ => null,
    };

    private static TemplateFunction? StringMethod(string s, string name)
    {
        string Text(object? value) => TemplateValues.ToText(value);
        string Strip(object? chars, bool start, bool end)
        {
            var set = Given(chars) && chars is string c ? c.ToCharArray() : null;
            return (start, end) switch
            {
                (true, true) => set is null ? s.Trim() : s.Trim(set),
                (true, false) => set is null ? s.TrimStart() : s.TrimStart(set),
                _ => set is null ? s.TrimEnd() : s.TrimEnd(set),
            };
        }

        return name switch
        {
            "upper" => Method(name, new([], 0), _ => s.ToUpperInvariant()),
            "lower" => Method(name, new([], 0), _ => s.ToLowerInvariant()),
            "capitalize" => Method(name, new([], 0), _ => TemplateFilters.Apply("capitalize", s, [], new Dictionary<string, object?>())),
            "title" => Method(name, new([], 0), _ => TemplateFilters.Apply("title", s, [], new Dictionary<string, object?>())),
            "strip" => Method(name, new(["chars"], 0), a => Strip(a[0], start: true, end: true)),
            "lstrip" => Method(name, new(["chars"], 0), a => Strip(a[0], start: true, end: false)),
            "rstrip" => Method(name, new(["chars"], 0), a => Strip(a[0], start: false, end: true)),
            "replace" => Method(name, new(["old", "new", "count"], 2), a => TemplateFilters.Replace(s, Text(a[0]), Text(a[1]), Given(a[2]) ? TemplateValues.AsLong(a[2]) : -1)),
            "startswith" => Method(name, new(["prefix"], 1), a => s.StartsWith(Text(a[0]), StringComparison.Ordinal)),
            "endswith" => Method(name, new(["suffix"], 1), a => s.EndsWith(Text(a[0]), StringComparison.Ordinal)),
            "split" => Method(name, new(["sep", "maxsplit"], 0), a =>
            {
                var max = Given(a[1]) ? (int)Math.Min(TemplateValues.AsLong(a[1]), int.MaxValue - 1) : -1;
                var parts = Given(a[0]) && a[0] is string sep
                    ? (max < 0 ? s.Split(sep) : s.Split(sep, max + 1))
                    : (max < 0 ? s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) : s.Split((char[]?)null, max + 1, StringSplitOptions.RemoveEmptyEntries));
                return parts.Cast<object?>().ToList();
            }),
            _ => null,
        };
    }

    private static object? DateTimeMember(DateTimeOffset date, string name) => name switch
    {
        "year" => (long)date.Year,
        "month" => (long)date.Month,
        "day" => (long)date.Day,
        "hour" => (long)date.Hour,
        "minute" => (long)date.Minute,
        "second" => (long)date.Second,
        "microsecond" => (date.Ticks % TimeSpan.TicksPerSecond) / 10,
        "isoformat" => Method(name, new([], 0), _ => TemplateRenderer.FormatDateTime(date)),
        "strftime" => Method(name, new(["format"], 1), a => PythonDateFormat.Format(date.DateTime, date.Offset, TemplateValues.ToText(a[0]))),
        _ => null,
    };

    /// <summary>Gets an index as text, for paths in messages.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The text.</returns>
    public static string KeyText(object? key) => key switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => "…",
    };
}
