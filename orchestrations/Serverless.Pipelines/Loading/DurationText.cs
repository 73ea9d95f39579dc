using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace Serverless.Pipelines.Loading;

/// <summary>Durations as files write them: <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>, <c>250ms</c>, combinations such as <c>1h30m</c>, a number of seconds, or ISO 8601 (<c>PT5M</c>).</summary>
internal static partial class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        try
        {
            return TryParseTrimmed(text, out value);
        }
        catch (Exception error) when (error is OverflowException or ArgumentException)
        {
            // "1e300", "NaN", "99999999999d" or a sum past TimeSpan.MaxValue: not a duration, and no reason to throw.
            value = default;
            return false;
        }
    }

    private static bool TryParseTrimmed(string text, out TimeSpan value)
    {
        value = default;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            value = TimeSpan.FromSeconds(seconds);
            return seconds >= 0;
        }

        if (text.StartsWith('P'))
        {
            try
            {
                value = XmlConvert.ToTimeSpan(text);
                return value >= TimeSpan.Zero;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        var match = CompactRegex().Match(text);
        if (!match.Success)
        {
            return false;
        }

        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unitAt = part.Value.IndexOfAny(['d', 'h', 'm', 's']);
            var number = double.Parse(part.Value[..unitAt], CultureInfo.InvariantCulture);
            value += part.Value[unitAt..] switch
            {
                "d" => TimeSpan.FromDays(number),
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                _ => TimeSpan.FromMilliseconds(number),
            };
        }

        return true;
    }

    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new StringBuilder();
        Append(text, value.Days, "d");
        Append(text, value.Hours, "h");
        Append(text, value.Minutes, "m");
        Append(text, value.Seconds, "s");
        Append(text, value.Milliseconds, "ms");
        return text.ToString();
    }

    private static void Append(StringBuilder text, int amount, string unit)
    {
        if (amount != 0)
        {
            text.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }

    [GeneratedRegex(@"^(?<part>[0-9]+(\.[0-9]+)?(ms|d|h|m|s))+$", RegexOptions.CultureInvariant)]
    private static partial Regex CompactRegex();
}
