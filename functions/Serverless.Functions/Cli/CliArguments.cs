namespace Serverless.Functions.Cli;

/// <summary>Parsed command-line arguments: positional words and <c>--name value</c> options (repeatable) and flags.</summary>
public sealed class CliArguments
{
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "follow", "all", "data", "help" };
    private readonly Dictionary<string, List<string>> options = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="CliArguments"/> class.</summary>
    /// <param name="args">The arguments.</param>
    public CliArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var name = arg[2..];
                string value;
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                }
                else if (Flags.Contains(name))
                {
                    value = "true";
                }
                else if (i + 1 < args.Count)
                {
                    value = args[++i];
                }
                else
                {
                    throw new CliException($"--{name} needs a value.");
                }

                if (!this.options.TryGetValue(name, out var list))
                {
                    this.options[name] = list = [];
                }

                list.Add(value);
            }
            else
            {
                this.Positional.Add(arg);
            }
        }
    }

    /// <summary>Gets the positional words.</summary>
    public List<string> Positional { get; } = [];

    /// <summary>Gets the last value of an option, or null.</summary>
    /// <param name="name">The option name without dashes.</param>
    /// <returns>The value.</returns>
    public string? Option(string name) => this.options.TryGetValue(name, out var list) ? list[^1] : null;

    /// <summary>Gets every value of a repeatable option.</summary>
    /// <param name="name">The option name.</param>
    /// <returns>The values.</returns>
    public IReadOnlyList<string> All(string name) => this.options.TryGetValue(name, out var list) ? list : [];

    /// <summary>Gets a value indicating whether a flag is set.</summary>
    /// <param name="name">The flag.</param>
    /// <returns>True when given.</returns>
    public bool Flag(string name) => string.Equals(this.Option(name), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets a positional word or fails with a usage message.</summary>
    /// <param name="index">The index.</param>
    /// <param name="what">What it is, for the message.</param>
    /// <returns>The word.</returns>
    public string Required(int index, string what) => index < this.Positional.Count ? this.Positional[index] : throw new CliException($"Missing {what}. Run 'Serverless.Functions help' for usage.");
}
