namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// The template variables of the app (<c>{{ var.value.NAME }}</c>, <c>{{ var.json.NAME }}</c>), from the
/// <c>Serverless</c> section: app settings <c>Serverless__Variables__NAME</c> and <c>Serverless__SecretVariables</c>.
/// In Azure a Key Vault reference (<c>@Microsoft.KeyVault(SecretUri=…)</c>) is an app setting like any other.
/// </summary>
public sealed class TemplateVariableOptions
{
    /// <summary>Gets the variables by name. The default is none.</summary>
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the names of the secret variables, separated by commas or semicolons. A variable is secret too when
    /// its name contains one of <see cref="TemplateVariables.SensitiveNameParts"/>, as in Airflow. The default is none.
    /// </summary>
    public string? SecretVariables { get; set; }
}
