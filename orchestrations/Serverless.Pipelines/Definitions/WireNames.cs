using System.Text;

namespace Serverless.Pipelines.Definitions;

/// <summary>Snake-case names of enum values as files spell them (<c>NoneFailedMinOneSuccess</c> ↔ <c>none_failed_min_one_success</c>).</summary>
internal static class WireNames
{
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        if (typeof(TEnum) == typeof(DagTaskKind) && value is DagTaskKind.PySpark)
        {
            return "pyspark";
        }

        if (typeof(TEnum) == typeof(OutputWriteMode) && value is OutputWriteMode.ErrorIfExists)
        {
            return "errorifexists";
        }

        var name = value.ToString();
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Of(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    public static string All<TEnum>()
        where TEnum : struct, Enum =>
        string.Join(", ", Enum.GetValues<TEnum>().Select(Of));
}
