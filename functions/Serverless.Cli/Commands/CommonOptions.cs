using System.CommandLine;

namespace Serverless.Cli.Commands;

/// <summary>Creates the options several commands share, so they are named and described once.</summary>
public static class CommonOptions
{
    /// <summary>Creates <c>--json</c>.</summary>
    /// <returns>The option.</returns>
    public static Option<bool> Json() => new("--json")
    {
        Description = "Print the host's JSON answer on standard output (and its problem details on failure) instead of tables.",
    };

    /// <summary>Creates <c>--follow</c>.</summary>
    /// <returns>The option.</returns>
    public static Option<bool> Follow() => new("--follow")
    {
        Description = "Follow the run to its end (live table in a terminal, one line per task change otherwise); exit 1 unless it succeeds.",
    };

    /// <summary>Creates <c>--param name=value</c> (repeatable).</summary>
    /// <returns>The option; <see cref="RunParameters.Parse"/> turns its values into a trigger's <c>params</c>.</returns>
    public static Option<string[]> Params()
    {
        var parameters = new Option<string[]>("--param")
        {
            Description = "A run parameter as name=value (repeatable); JSON values (numbers, true/false, objects) keep their type.",
            HelpName = "name=value",
            Arity = ArgumentArity.OneOrMore,
        };
        parameters.Validators.Add(result =>
        {
            foreach (var pair in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (pair.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    result.AddError($"--param '{pair}' must look like name=value.");
                }
            }
        });
        return parameters;
    }

    /// <summary>Creates <c>--rows</c>.</summary>
    /// <returns>The option.</returns>
    public static Option<int> Rows()
    {
        var rows = new Option<int>("--rows")
        {
            Description = "With --follow: how many rows of each output to preview (0 for none).",
            HelpName = "n",
            DefaultValueFactory = _ => 5,
        };
        rows.Validators.Add(result =>
        {
            if (AtLeast(result, 0) is { } error)
            {
                result.AddError(error);
            }
        });
        return rows;
    }

    /// <summary>Checks that an integer option's given value is at least a minimum.</summary>
    /// <param name="result">The option's parse result.</param>
    /// <param name="minimum">The minimum.</param>
    /// <returns>The error message, or null when the value is fine, absent, or not a number (the parser reports that one).</returns>
    public static string? AtLeast(System.CommandLine.Parsing.OptionResult result, int minimum)
    {
        ArgumentNullException.ThrowIfNull(result);

        // Validators run even when the value did not convert, so read the token rather than the typed value.
        return result.Tokens is [{ } token]
            && int.TryParse(token.Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value < minimum
                ? $"{result.Option.Name} must be {minimum.ToString(System.Globalization.CultureInfo.InvariantCulture)} or more, not {token.Value}."
                : null;
    }

    /// <summary>Creates a required positional argument.</summary>
    /// <param name="name">The name shown in help, for example <c>runId</c>.</param>
    /// <param name="description">What it is.</param>
    /// <returns>The argument.</returns>
    public static Argument<string> Required(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.ExactlyOne };
}
