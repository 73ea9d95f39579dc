using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Pipelines.Definitions;

/// <summary>
/// The ranges the numeric parameter types hold: an <see cref="DagParamType.Integer"/> is a 64-bit signed integer
/// (<see cref="IntegerMin"/> to <see cref="IntegerMax"/>), a <see cref="DagParamType.Number"/> a finite 64-bit
/// floating-point number. JSON itself has no such bounds, so <c>1e20</c> or <c>9223372036854775808</c> are numbers
/// without a fractional part that no task could read as an integer.
/// </summary>
/// <remarks>The type itself (a number, without a fractional part) is checked by the validator; this checks only the range.</remarks>
public static class DagParamRanges
{
    /// <summary>The smallest integer parameter value: -9,223,372,036,854,775,808 (<see cref="long.MinValue"/>).</summary>
    public const long IntegerMin = long.MinValue;

    /// <summary>The largest integer parameter value: 9,223,372,036,854,775,807 (<see cref="long.MaxValue"/>).</summary>
    public const long IntegerMax = long.MaxValue;

    /// <summary>Says why a value is outside the range of its parameter type, or <see langword="null"/> when it is within it (or not a number).</summary>
    /// <param name="type">The declared type.</param>
    /// <param name="value">The value.</param>
    /// <returns>The problem, or <see langword="null"/>.</returns>
    public static string? Problem(DagParamType type, JsonNode? value)
    {
        if (value is not JsonValue number || number.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        var text = number.ToJsonString();
        switch (type)
        {
            case DagParamType.Integer:
                // Exponents are allowed (1e3 is 1000); decimal holds every Int64 exactly, and what it cannot hold
                // (past about 7.9e28) is out of range anyway.
                var fits = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var whole);
                if (fits && whole != decimal.Truncate(whole))
                {
                    return null;
                }

                return fits && whole >= IntegerMin && whole <= IntegerMax
                    ? null
                    : string.Create(CultureInfo.InvariantCulture, $"{Shown(text)} is outside the range of an integer parameter, {IntegerMin} to {IntegerMax} (64-bit)");
            case DagParamType.Number:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real)
                    ? null
                    : $"{Shown(text)} is outside the range of a number parameter (a finite 64-bit floating-point number)";
            default:
                return null;
        }
    }

    private static string Shown(string text) => text.Length > 60 ? text[..57] + "..." : text;
}
