using System.Globalization;
using System.Text;

namespace Serverless.Pipelines.Templating.Evaluation;

/// <summary>
/// Python's <c>strftime</c> and <c>strptime</c> for the directives DAG templates use (<c>%Y %y %m %d %H %I %M %S %f %p
/// %j %a %A %b %B %u %w %z %Z %%</c>, and glibc's <c>%-d</c> style unpadded forms for output), in the C locale, so
/// <c>macros.ds_format</c> takes the formats Airflow users already write. Other directives are an error, not a guess.
/// </summary>
internal static class PythonDateFormat
{
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    /// <summary>Formats a date-time as Python's <c>strftime</c>.</summary>
    /// <param name="value">The date-time.</param>
    /// <param name="offset">The offset for <c>%z</c>, or <see langword="null"/> for a naive date-time (<c>%z</c> is then empty).</param>
    /// <param name="format">The format.</param>
    /// <returns>The text.</returns>
    public static string Format(DateTime value, TimeSpan? offset, string format)
    {
        var text = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                text.Append(format[i]);
                continue;
            }

            var pad = true;
            var directive = format[++i];
            if (directive == '-' && i + 1 < format.Length)
            {
                pad = false;
                directive = format[++i];
            }

            string Number(int n, int width) => pad ? n.ToString(new string('0', width), CultureInfo.InvariantCulture) : n.ToString(CultureInfo.InvariantCulture);
            text.Append(directive switch
            {
                'Y' => value.Year.ToString("0000", CultureInfo.InvariantCulture),
                'y' => Number(value.Year % 100, 2),
                'm' => Number(value.Month, 2),
                'd' => Number(value.Day, 2),
                'H' => Number(value.Hour, 2),
                'I' => Number(value.Hour % 12 == 0 ? 12 : value.Hour % 12, 2),
                'M' => Number(value.Minute, 2),
                'S' => Number(value.Second, 2),
                'f' => ((value.Ticks % TimeSpan.TicksPerSecond) / 10).ToString("000000", CultureInfo.InvariantCulture),
                'p' => value.Hour < 12 ? "AM" : "PM",
                'j' => Number(value.DayOfYear, 3),
                'a' => Days[(int)value.DayOfWeek][..3],
                'A' => Days[(int)value.DayOfWeek],
                'b' => Months[value.Month - 1][..3],
                'B' => Months[value.Month - 1],
                'u' => (value.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)value.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                'w' => ((int)value.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                'z' => offset is { } o ? (o < TimeSpan.Zero ? "-" : "+") + o.Duration().ToString("hhmm", CultureInfo.InvariantCulture) : string.Empty,
                'Z' => offset is { } z ? (z == TimeSpan.Zero ? "UTC" : string.Empty) : string.Empty,
                '%' => "%",
                _ => throw new InvalidOperationException($"the strftime directive '%{directive}' is not supported"),
            });
        }

        return text.ToString();
    }

    /// <summary>Parses a date-time as Python's <c>datetime.strptime</c>: the whole text must match the format.</summary>
    /// <param name="text">The text.</param>
    /// <param name="format">The format.</param>
    /// <returns>The naive date-time (an offset parsed by <c>%z</c> is applied: the result is that wall time).</returns>
    public static DateTime Parse(string text, string format)
    {
        int year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, micro = 0, dayOfYear = -1;
        bool? pm = null;
        var position = 0;

        InvalidOperationException Mismatch() => new($"time data '{text}' does not match format '{format}'");

        int ReadNumber(int minDigits, int maxDigits)
        {
            var start = position;
            while (position < text.Length && position - start < maxDigits && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            return position - start < minDigits ? throw Mismatch() : int.Parse(text.AsSpan(start, position - start), NumberStyles.None, CultureInfo.InvariantCulture);
        }

        int ReadName(string[] names, bool abbreviated)
        {
            for (var n = 0; n < names.Length; n++)
            {
                var name = abbreviated ? names[n][..3] : names[n];
                if (string.Compare(text, position, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    position += name.Length;
                    return n;
                }
            }

            throw Mismatch();
        }

        for (var i = 0; i < format.Length; i++)
        {
            var f = format[i];
            if (char.IsWhiteSpace(f))
            {
                // Python's strptime turns whitespace in the format into "one or more whitespace characters".
                var start = position;
                while (position < text.Length && char.IsWhiteSpace(text[position]))
                {
                    position++;
                }

                if (position == start)
                {
                    throw Mismatch();
                }

                continue;
            }

            if (f != '%' || i + 1 >= format.Length)
            {
                if (position >= text.Length || text[position] != f)
                {
                    throw Mismatch();
                }

                position++;
                continue;
            }

            var directive = format[++i];
            switch (directive)
            {
                case 'Y': year = ReadNumber(4, 4); break;
                case 'y': var yy = ReadNumber(2, 2); year = yy < 69 ? 2000 + yy : 1900 + yy; break;
                case 'm': month = ReadNumber(1, 2); break;
                case 'd': day = ReadNumber(1, 2); break;
                case 'H': hour = ReadNumber(1, 2); break;
                case 'I': hour = ReadNumber(1, 2); break;
                case 'M': minute = ReadNumber(1, 2); break;
                case 'S': second = ReadNumber(1, 2); break;
                case 'j': dayOfYear = ReadNumber(1, 3); break;
                case 'f':
                    var start = position;
                    var digits = ReadNumber(1, 6);
                    micro = digits * (int)Math.Pow(10, 6 - (position - start));
                    break;
                case 'p': pm = ReadName(["AM", "PM"], abbreviated: false) == 1; break;
                case 'a': ReadName(Days, abbreviated: true); break;
                case 'A': ReadName(Days, abbreviated: false); break;
                case 'b': month = ReadName(Months, abbreviated: true) + 1; break;
                case 'B': month = ReadName(Months, abbreviated: false) + 1; break;
                case 'z': SkipOffset(); break;
                case '%':
                    if (position >= text.Length || text[position] != '%')
                    {
                        throw Mismatch();
                    }

                    position++;
                    break;
                default:
                    throw new InvalidOperationException($"the strptime directive '%{directive}' is not supported");
            }
        }

        if (position != text.Length)
        {
            throw new InvalidOperationException($"unconverted data remains: {text[position..]}");
        }

        if (pm is { } afternoon)
        {
            hour = (hour % 12) + (afternoon ? 12 : 0);
        }

        try
        {
            var date = dayOfYear > 0 ? new DateTime(year, 1, 1).AddDays(dayOfYear - 1) : new DateTime(year, month, day);
            return date.Add(new TimeSpan(0, hour, minute, second)).AddTicks(micro * 10L);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new InvalidOperationException($"'{text}' is not a valid date for format '{format}'");
        }

        void SkipOffset()
        {
            if (position < text.Length && text[position] == 'Z')
            {
                position++;
                return;
            }

            if (position >= text.Length || text[position] is not ('+' or '-'))
            {
                throw Mismatch();
            }

            position++;
            ReadNumber(2, 2);
            if (position < text.Length && text[position] == ':')
            {
                position++;
            }

            ReadNumber(2, 2);
        }
    }
}
