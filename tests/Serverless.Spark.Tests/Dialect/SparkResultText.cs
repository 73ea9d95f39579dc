using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using DuckDB.NET.Data;

namespace Serverless.Spark.Tests.Dialect;

/// <summary>
/// Renders a DuckDB result the way Spark's SQL CLI prints it in the function documentation: one row a line,
/// columns separated by tabs, NULL at the top and null inside arrays, strings quoted inside arrays, maps and
/// structs, doubles as Java prints them (1.0, 1.0E-4).
/// </summary>
internal static class SparkResultText
{
    private static readonly MethodInfo GetFieldValue = typeof(DuckDBDataReader).GetMethod(nameof(DuckDBDataReader.GetFieldValue))!;

    public static string Render(DuckDBDataReader reader)
    {
        var rows = new List<string>();
        while (reader.Read())
        {
            var columns = new List<string>();
            for (int i = 0; i < reader.FieldCount; i++)
            {
                columns.Add(Value(reader, i));
            }

            rows.Add(string.Join("\t", columns));
        }

        return string.Join("\n", rows);
    }

    private static string Value(DuckDBDataReader reader, int i)
    {
        if (reader.IsDBNull(i))
        {
            return "NULL";
        }

        Type type = reader.GetFieldType(i);

        // DuckDB.NET reads List<int> and refuses a null element; read the same list with nullable elements.
        object value = type.IsGenericType ? GetFieldValue.MakeGenericMethod(Nullable(type)).Invoke(reader, [i])! : reader.GetValue(i);
        bool date = reader.GetDataTypeName(i).Equals("Date", StringComparison.OrdinalIgnoreCase);
        return Format(value, nested: false, date);
    }

    private static Type Nullable(Type type)
    {
        if (type.IsValueType && !type.IsGenericType)
        {
            return typeof(Nullable<>).MakeGenericType(type);
        }

        if (!type.IsGenericType)
        {
            return type;
        }

        Type definition = type.GetGenericTypeDefinition();
        if (definition == typeof(Nullable<>))
        {
            return type;
        }

        Type[] arguments = type.GetGenericArguments();
        if (definition == typeof(Dictionary<,>))
        {
            return definition.MakeGenericType(arguments[0], Nullable(arguments[1]));
        }

        return definition.MakeGenericType([.. arguments.Select(Nullable)]);
    }

    private static string Format(object? value, bool nested, bool date = false) => value switch
    {
        null => nested ? "null" : "NULL",
        string s => nested ? "\"" + s + "\"" : s,
        bool b => b ? "true" : "false",
        double d => JavaDouble(d),
        float f => JavaDouble(f, single: true),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        DateTime t when date || (t.TimeOfDay == TimeSpan.Zero && t.Kind == DateTimeKind.Unspecified && false) => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => Timestamp(t),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset o => Timestamp(o.DateTime),
        BigInteger n => n.ToString(CultureInfo.InvariantCulture),
        IDictionary map => "{" + string.Join(",", map.Keys.Cast<object>().Select(k => Format(k, nested: true) + ":" + Format(map[k], nested: true))) + "}",
        IEnumerable list => "[" + string.Join(",", list.Cast<object?>().Select(e => Format(e, nested: true))) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Timestamp(DateTime t)
    {
        string text = t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture).TrimEnd('0');
        return text.EndsWith('.') ? text[..^1] : text;
    }

    /// <summary>Formats like Java's Double.toString: plain between 10^-3 and 10^7, otherwise d.dddE±n; always a fraction digit.</summary>
    private static string JavaDouble(double d, bool single = false)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }

        if (d == 0)
        {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }

        string shortest = single ? ((float)d).ToString("R", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);
        double magnitude = Math.Abs(d);
        if (magnitude >= 1e-3 && magnitude < 1e7)
        {
            decimal plain = decimal.Parse(shortest, NumberStyles.Float, CultureInfo.InvariantCulture);
            string text = plain.ToString(CultureInfo.InvariantCulture);
            return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
        }

        // Scientific: digits and exponent of the shortest representation.
        string e = (single ? ((float)d).ToString("E8", CultureInfo.InvariantCulture) : d.ToString("E16", CultureInfo.InvariantCulture));
        int exponent = int.Parse(e[(e.IndexOf('E', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
        decimal mantissa = (decimal)(d / Math.Pow(10, exponent));
        string digits = Math.Round(mantissa, single ? 7 : 15).ToString(CultureInfo.InvariantCulture).TrimEnd('0');
        digits = digits.EndsWith('.') ? digits + "0" : digits.Contains('.', StringComparison.Ordinal) ? digits : digits + ".0";
        return digits + "E" + exponent.ToString(CultureInfo.InvariantCulture);
    }
}
