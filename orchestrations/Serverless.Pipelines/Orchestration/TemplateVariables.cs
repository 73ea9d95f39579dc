using Microsoft.Extensions.Options;
using Serverless.Pipelines.Templating;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// The app's template variables (<see cref="TemplateVariableOptions"/>) split into public and secret ones: the
/// orchestration sees the public values and the secret names, the job activity puts the secret values into the job
/// (<see cref="Resolve"/>), and everything read back from a job is masked (<see cref="Redact"/>).
/// </summary>
public sealed class TemplateVariables : ISparkTextRedactor
{
    /// <summary>
    /// The name parts that make a variable secret without listing it (case-insensitive), Airflow's default
    /// sensitive field names: <c>access_token</c>, <c>api_key</c>, <c>apikey</c>, <c>authorization</c>,
    /// <c>passphrase</c>, <c>passwd</c>, <c>password</c>, <c>private_key</c>, <c>secret</c>, <c>token</c>.
    /// </summary>
    public static readonly IReadOnlyList<string> SensitiveNameParts =
        ["access_token", "api_key", "apikey", "authorization", "passphrase", "passwd", "password", "private_key", "secret", "token"];

    private readonly Dictionary<string, string> publicValues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> secretValues = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="TemplateVariables"/> class.</summary>
    /// <param name="options">The variables.</param>
    public TemplateVariables(IOptions<TemplateVariableOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var listed = (options.Value.SecretVariables ?? string.Empty)
            .Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in options.Value.Variables)
        {
            (IsSecret(name, listed) ? this.secretValues : this.publicValues)[name] = value;
        }
    }

    /// <summary>Gets the non-empty secret values, what <see cref="Redact"/> masks.</summary>
    public IReadOnlyCollection<string> SecretValues => [.. this.secretValues.Values.Where(v => v.Length > 0)];

    /// <summary>Gets a value indicating whether a variable is secret: listed, or named with a sensitive part.</summary>
    /// <param name="name">The variable name.</param>
    /// <param name="listed">The names listed in <see cref="TemplateVariableOptions.SecretVariables"/>.</param>
    /// <returns><see langword="true"/> when its value must be masked.</returns>
    public static bool IsSecret(string name, IReadOnlySet<string> listed)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(listed);
        return listed.Contains(name) || SensitiveNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Gets what a run may hold: the public values and the secret names.</summary>
    /// <returns>The set.</returns>
    public TemplateVariableSet ForRun() => new()
    {
        Values = new Dictionary<string, string>(this.publicValues, StringComparer.Ordinal),
        Secrets = [.. this.secretValues.Keys.Order(StringComparer.Ordinal)],
    };

    /// <summary>Puts the secret values in place of their tokens (<see cref="SecretVariableToken"/>) in the text fields of a job spec.</summary>
    /// <param name="spec">The spec as the orchestration rendered it.</param>
    /// <returns>The spec to submit.</returns>
    public SparkJobSpec Resolve(SparkJobSpec spec) => this.Rewrite(spec, this.secretValues);

    /// <summary>Puts <c>***</c> in place of the secret tokens of a job spec: the copy that attempt logs show.</summary>
    /// <param name="spec">The spec as the orchestration rendered it.</param>
    /// <returns>The spec to show.</returns>
    public SparkJobSpec Masked(SparkJobSpec spec) => this.Rewrite(spec, this.secretValues.ToDictionary(s => s.Key, _ => TemplateSecretMask.Mask, StringComparer.Ordinal));

    private SparkJobSpec Rewrite(SparkJobSpec spec, IReadOnlyDictionary<string, string> replacements)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (this.secretValues.Count == 0)
        {
            return spec;
        }

        string Text(string value) => SecretVariableToken.Resolve(value, replacements)!;
        return spec with
        {
            Sql = SecretVariableToken.Resolve(spec.Sql, replacements),
            Args = [.. spec.Args.Select(Text)],
            Conf = spec.Conf.ToDictionary(c => c.Key, c => Text(c.Value), StringComparer.Ordinal),
            Inputs = [.. spec.Inputs.Select(i => i with { Options = i.Options.ToDictionary(o => o.Key, o => Text(o.Value), StringComparer.Ordinal) })],
        };
    }

    /// <summary>Masks every secret value in a text with <c>***</c>.</summary>
    /// <param name="text">The text, or <see langword="null"/>.</param>
    /// <returns>The masked text.</returns>
    public string? Redact(string? text) => text is null || this.secretValues.Count == 0 ? text : TemplateSecretMask.Apply(text, this.SecretValues);
}
