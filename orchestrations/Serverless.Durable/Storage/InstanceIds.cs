using System.Buffers;

namespace Serverless.Durable.Storage;

/// <summary>Validates instance ids, which become table partition keys and blob name prefixes.</summary>
public static class InstanceIds
{
    /// <summary>The longest instance id.</summary>
    public const int MaxLength = 200;

    private static readonly SearchValues<char> Forbidden = SearchValues.Create("/\\#?'");

    /// <summary>Throws when <paramref name="instanceId"/> cannot be used as a key.</summary>
    /// <param name="instanceId">The id.</param>
    /// <param name="parameterName">The parameter name for the exception.</param>
    /// <exception cref="ArgumentException">The id is empty, too long, or has a forbidden character.</exception>
    public static void Validate(string instanceId, string parameterName = "instanceId")
    {
        if (string.IsNullOrWhiteSpace(instanceId))
        {
            throw new ArgumentException("An instance id must not be empty.", parameterName);
        }

        if (instanceId.Length > MaxLength)
        {
            throw new ArgumentException($"Instance id is {instanceId.Length} characters; the maximum is {MaxLength}.", parameterName);
        }

        if (instanceId.AsSpan().IndexOfAny(Forbidden) >= 0 || instanceId.Any(char.IsControl))
        {
            throw new ArgumentException(
                $"Instance id '{instanceId}' contains a character that is not allowed (/ \\ # ? ' or a control character).", parameterName);
        }
    }
}
