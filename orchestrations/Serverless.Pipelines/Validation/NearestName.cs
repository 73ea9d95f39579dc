namespace Serverless.Pipelines.Validation;

/// <summary>
/// Finds the declared name a misspelt one most likely meant, for "did you mean" in problems: the same name written
/// in another case or with <c>_</c> / <c>-</c> (<c>depends_on</c> for <c>dependsOn</c>), else the nearest by edit
/// distance within about a third of its length.
/// </summary>
public static class NearestName
{
    // Names longer than this are compared only by their normalized form: edit distance costs length squared.
    private const int MaxComparedLength = 128;

    /// <summary>Finds the candidate <paramref name="name"/> most likely meant.</summary>
    /// <param name="name">The unknown name.</param>
    /// <param name="candidates">The declared names.</param>
    /// <returns>The suggestion, or <see langword="null"/> when no candidate is near enough.</returns>
    public static string? Find(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        var normalized = Normalize(name);
        var limit = Math.Clamp(name.Length / 3, 1, 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal))
            {
                continue;
            }

            if (string.Equals(Normalize(candidate), normalized, StringComparison.Ordinal))
            {
                return candidate;
            }

            if (name.Length > MaxComparedLength || candidate.Length > MaxComparedLength || Math.Abs(candidate.Length - name.Length) > limit)
            {
                continue;
            }

            var distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance <= limit && distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    /// <summary>Gets <c>; did you mean 'x'?</c> for the nearest candidate, or an empty string.</summary>
    /// <param name="name">The unknown name.</param>
    /// <param name="candidates">The declared names.</param>
    /// <returns>The suffix for a problem message.</returns>
    public static string Suggestion(string name, IEnumerable<string> candidates) =>
        Find(name, candidates) is { } near ? $"; did you mean '{near}'?" : string.Empty;

    private static string Normalize(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    // Optimal string alignment distance: a swap of two neighbours costs 1, as a typist's slip does.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
