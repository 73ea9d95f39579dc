namespace Serverless.Infra.Tests.Bicep;

/// <summary>One combination of main.bicep parameters that is snapshotted offline.</summary>
/// <param name="HostingPlan">FlexConsumption or ElasticPremium.</param>
/// <param name="SparkBackend">none, synapse or databricks.</param>
/// <param name="TaskHub">The task hub parameter.</param>
public sealed record DeploymentChoice(string HostingPlan, string SparkBackend, string TaskHub)
{
    /// <summary>
    /// Gets the combinations the tests check: every plan and every backend at least once (plan and backend are
    /// independent parts of the template; each snapshot costs seconds of CPU), one with a non-default task hub.
    /// </summary>
    public static IReadOnlyList<DeploymentChoice> All { get; } =
    [
        new("FlexConsumption", "none", "serverless"),
        new("FlexConsumption", "databricks", "serverless"),
        new("ElasticPremium", "synapse", "serverless"),
        new("ElasticPremium", "none", "nightly"),
    ];

    /// <summary>Gets a file-name friendly key.</summary>
    public string Key => $"{this.HostingPlan}-{this.SparkBackend}-{this.TaskHub}";

    /// <summary>Gets whether the plan is Flex Consumption.</summary>
    public bool IsFlex => this.HostingPlan == "FlexConsumption";

    /// <inheritdoc/>
    public override string ToString() => this.Key;
}
