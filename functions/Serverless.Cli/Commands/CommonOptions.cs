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
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--rows must be 0 or more.");
            }
        });
        return rows;
    }

    /// <summary>Creates a required positional argument.</summary>
    /// <param name="name">The name shown in help, for example <c>runId</c>.</param>
    /// <param name="description">What it is.</param>
    /// <returns>The argument.</returns>
    public static Argument<string> Required(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.ExactlyOne };
}
