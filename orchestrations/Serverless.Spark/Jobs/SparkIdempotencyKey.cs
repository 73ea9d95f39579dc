using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Spark.Jobs;

/// <summary>
/// Idempotency keys: a second submit with the same key returns the first job and starts nothing. Keys become
/// table row keys and batch names, so they are limited to 1-200 letters, digits and <c>. _ - : @ =</c>.
/// </summary>
public static partial class SparkIdempotencyKey
{
    /// <summary>Gets a value indicating whether <paramref name="key"/> is a valid key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValid(string? key) => key is not null && Pattern().IsMatch(key);

    /// <summary>Throws when <paramref name="key"/> is not a valid key.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="ArgumentException">The key is invalid.</exception>
    public static void ThrowIfInvalid(string? key)
    {
        if (!IsValid(key))
        {
            throw new ArgumentException($"Idempotency key '{key}' is invalid: use 1-200 letters, digits and . _ - : @ =, starting with a letter or digit.", nameof(key));
        }
    }

    /// <summary>Derives a key from an orchestration instance and the activity's task id, stable across redeliveries.</summary>
    /// <param name="instanceId">The orchestration instance id.</param>
    /// <param name="taskId">The activity task id.</param>
    /// <returns>The key; the instance id is hashed when it holds characters a key may not.</returns>
    public static string FromActivity(string instanceId, int taskId)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        string candidate = $"{instanceId}:{taskId}";
        return IsValid(candidate) ? candidate : $"{Hash(instanceId)}:{taskId}";
    }

    /// <summary>Returns a short lowercase hex digest of the key, usable in batch names and paths.</summary>
    /// <param name="key">The key.</param>
    /// <param name="length">How many hex characters (at most 64).</param>
    /// <returns>The digest.</returns>
    public static string Hash(string key, int length = 32) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..Math.Clamp(length, 8, 64)];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:@=-]{0,199}$")]
    private static partial Regex Pattern();
}
