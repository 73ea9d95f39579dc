namespace Serverless.Pipelines.Templating.Evaluation;

/// <summary>The arithmetic operators with Python's semantics: <c>/</c> always gives a float, <c>//</c> and <c>%</c> round toward negative infinity, <c>~</c> joins text.</summary>
internal static class TemplateArithmetic
{
    /// <summary>Applies a binary operator.</summary>
    /// <param name="op">One of <c>+ - * / // % ** ~</c>.</param>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>The result.</returns>
    public static object? Apply(string op, object? left, object? right)
    {
        if (left is Undefined u)
        {
            throw new InvalidOperationException(u.Message);
        }

        if (right is Undefined v)
        {
            throw new InvalidOperationException(v.Message);
        }

        if (op == "~")
        {
            var (a, b) = (TemplateValues.ToText(left), TemplateValues.ToText(right));
            return Bounded(a.Length + (long)b.Length, () => a + b);
        }

        var numbers = TemplateValues.IsNumber(left) && TemplateValues.IsNumber(right);
        var floats = numbers && (left is double || right is double);
        switch (op)
        {
            case "+" when numbers:
                return floats ? (object)(TemplateValues.AsDouble(left) + TemplateValues.AsDouble(right)) : checked(TemplateValues.AsLong(left) + TemplateValues.AsLong(right));
            case "+" when left is string a && right is string b:
                return Bounded(a.Length + (long)b.Length, () => a + b);
            case "+" when left is IReadOnlyList<object?> a && right is IReadOnlyList<object?> b:
                return Bounded(a.Count + (long)b.Count, () => a.Concat(b).ToList());
            case "-" when numbers:
                return floats ? (object)(TemplateValues.AsDouble(left) - TemplateValues.AsDouble(right)) : checked(TemplateValues.AsLong(left) - TemplateValues.AsLong(right));
            case "*" when numbers:
                return floats ? (object)(TemplateValues.AsDouble(left) * TemplateValues.AsDouble(right)) : checked(TemplateValues.AsLong(left) * TemplateValues.AsLong(right));
            case "*" when left is string s && right is long or bool:
                return Repeat(s, TemplateValues.AsLong(right));
            case "*" when left is long or bool && right is string s:
                return Repeat(s, TemplateValues.AsLong(left));
            case "/" when numbers:
                var divisor = TemplateValues.AsDouble(right);
                return divisor == 0 ? throw new InvalidOperationException("division by zero") : TemplateValues.AsDouble(left) / divisor;
            case "//" when numbers:
                if (floats)
                {
                    var d = TemplateValues.AsDouble(right);
                    return d == 0 ? throw new InvalidOperationException("division by zero") : Math.Floor(TemplateValues.AsDouble(left) / d);
                }

                return FloorDivide(TemplateValues.AsLong(left), TemplateValues.AsLong(right));
            case "%" when numbers:
                if (floats)
                {
                    var m = TemplateValues.AsDouble(right);
                    var x = TemplateValues.AsDouble(left);
                    return m == 0 ? throw new InvalidOperationException("division by zero") : x - (m * Math.Floor(x / m));
                }

                var (l, r) = (TemplateValues.AsLong(left), TemplateValues.AsLong(right));
                return r == 0 ? throw new InvalidOperationException("division by zero") : (object)checked(l - (r * FloorDivide(l, r)));
            case "**" when numbers:
                return !floats && TemplateValues.AsLong(right) >= 0
                    ? (object)Power(TemplateValues.AsLong(left), TemplateValues.AsLong(right))
                    : Math.Pow(TemplateValues.AsDouble(left), TemplateValues.AsDouble(right));
            default:
                throw new InvalidOperationException($"unsupported operand types for {op}: {TemplateValues.TypeName(left)} and {TemplateValues.TypeName(right)}");
        }
    }

    /// <summary>Makes a value only when its size is within the output bound, so a template cannot make memory run out before the bound is checked.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="size">The size the value will have.</param>
    /// <param name="make">Makes it.</param>
    /// <returns>The value.</returns>
    public static T Bounded<T>(long size, Func<T> make) =>
        size > TemplateLimits.MaxOutputLength ? throw new InvalidOperationException($"the value would be longer than {TemplateLimits.MaxOutputLength}") : make();

    private static string Repeat(string s, long times) =>
        times <= 0 ? string.Empty : Bounded(times > TemplateLimits.MaxOutputLength ? long.MaxValue : s.Length * times, () => string.Concat(Enumerable.Repeat(s, (int)times)));

    private static long FloorDivide(long a, long b)
    {
        if (b == 0)
        {
            throw new InvalidOperationException("division by zero");
        }

        var q = checked(a / b);
        return (a % b != 0) && ((a < 0) ^ (b < 0)) ? q - 1 : q;
    }

    private static long Power(long value, long exponent)
    {
        // Squaring keeps a huge exponent from looping; 'checked' turns a result beyond 64 bits into an error.
        var result = 1L;
        var factor = value;
        while (exponent > 0)
        {
            if ((exponent & 1) == 1)
            {
                result = checked(result * factor);
            }

            exponent >>= 1;
            if (exponent > 0)
            {
                factor = checked(factor * factor);
            }
        }

        return result;
    }
}
