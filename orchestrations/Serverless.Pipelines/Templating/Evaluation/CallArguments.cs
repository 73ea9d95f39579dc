namespace Serverless.Pipelines.Templating.Evaluation;

/// <summary>
/// The parameters a filter, macro or method takes, Python style: positional or by name, the first
/// <see cref="Required"/> of them mandatory. Binding checks the call, so the load-time check and the render agree.
/// </summary>
/// <param name="Parameters">The parameter names, in order.</param>
/// <param name="Required">How many of them a call must give.</param>
internal sealed record CallArguments(IReadOnlyList<string> Parameters, int Required)
{
    /// <summary>The marker for a parameter the call did not give.</summary>
    public static readonly object Missing = new();

    /// <summary>Gets the problem with a call's argument counts and names, or <see langword="null"/>.</summary>
    /// <param name="what">The filter or function, for the message.</param>
    /// <param name="positional">How many positional arguments the call gives.</param>
    /// <param name="named">The names of its named arguments.</param>
    /// <returns>The problem, or <see langword="null"/>.</returns>
    public string? Problem(string what, int positional, IEnumerable<string> named)
    {
        if (positional > Parameters.Count)
        {
            return $"{what} takes at most {Parameters.Count} argument{(Parameters.Count == 1 ? string.Empty : "s")}" + Signature();
        }

        var given = new HashSet<string>(Parameters.Take(positional), StringComparer.Ordinal);
        foreach (var name in named)
        {
            if (!Parameters.Contains(name, StringComparer.Ordinal))
            {
                return $"{what} has no parameter '{name}'" + Signature();
            }

            if (!given.Add(name))
            {
                return $"{what} got '{name}' twice";
            }
        }

        var missing = Parameters.Take(Required).FirstOrDefault(p => !given.Contains(p));
        return missing is null ? null : $"{what} needs '{missing}'" + Signature();
    }

    /// <summary>Binds a call's arguments to the parameters; absent ones are <see cref="Missing"/>.</summary>
    /// <param name="what">The filter or function, for the message.</param>
    /// <param name="positional">The positional arguments.</param>
    /// <param name="named">The named arguments.</param>
    /// <returns>One value per parameter.</returns>
    public object?[] Bind(string what, IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named)
    {
        if (Problem(what, positional.Count, named.Keys) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var values = new object?[Parameters.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i < positional.Count ? positional[i] : named.TryGetValue(Parameters[i], out var value) ? value : Missing;
        }

        return values;
    }

    private string Signature() => Parameters.Count == 0 ? " (none)" : $" ({string.Join(", ", Parameters)})";
}
