using System.Globalization;

namespace Serverless.Infra.Tests.Bicep;

/// <summary>One combination of main.bicep parameters that is snapshotted offline.</summary>
/// <param name="Name">A short name for test output and file names.</param>
/// <param name="SparkBackend">none, synapse or databricks.</param>
/// <param name="TaskHub">The task hub parameter.</param>
/// <param name="InstanceMemoryMB">The Flex Consumption instance memory.</param>
/// <param name="ApiKeyNames">The names of the API keys the app accepts.</param>
/// <param name="AlwaysReadyDurable">Whether one always-ready instance is kept for the durable group.</param>
/// <param name="SubnetId">The subnet for VNet integration, or empty.</param>
public sealed record DeploymentChoice(
    string Name,
    string SparkBackend,
    string TaskHub,
    int InstanceMemoryMB,
    IReadOnlyList<string> ApiKeyNames,
    bool AlwaysReadyDurable,
    string SubnetId)
{
    /// <summary>A subnet ID the VNet choice integrates with (the snapshot does not need it to exist).</summary>
    public const string TestSubnetId =
        "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-test/subnets/snet-functions";

    /// <summary>
    /// Gets the combinations the tests check: every Spark backend, every instance size, one and several API keys,
    /// always-ready instances and VNet integration on and off, and a non-default task hub. Each snapshot costs seconds
    /// of CPU, so the options are spread over four runs instead of multiplied.
    /// </summary>
    public static IReadOnlyList<DeploymentChoice> All { get; } =
    [
        new("defaults", "none", "serverless", 2048, ["default"], AlwaysReadyDurable: false, SubnetId: string.Empty),
        new("databricks-warm", "databricks", "serverless", 4096, ["default", "ci"], AlwaysReadyDurable: true, SubnetId: string.Empty),
        new("synapse-vnet", "synapse", "nightly", 2048, ["default"], AlwaysReadyDurable: false, SubnetId: TestSubnetId),
        new("small-vnet-warm", "none", "serverless", 512, ["ops", "default", "ci"], AlwaysReadyDurable: true, SubnetId: TestSubnetId),
    ];

    /// <summary>Gets a file-name friendly key.</summary>
    public string Key => this.Name;

    /// <summary>Gets the parameter lines of a .bicepparam file for this choice.</summary>
    /// <returns>One <c>param</c> line per parameter.</returns>
    public string BicepParams()
    {
        string keys = string.Join(", ", this.ApiKeyNames.Select(k => $"'{k}'"));
        string alwaysReady = this.AlwaysReadyDurable ? "[{ name: 'durable', instanceCount: 1 }]" : "[]";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"""
            param sparkBackend = '{this.SparkBackend}'
            param taskHub = '{this.TaskHub}'
            param instanceMemoryMB = {this.InstanceMemoryMB}
            param apiKeyNames = [{keys}]
            param alwaysReady = {alwaysReady}
            param virtualNetworkSubnetId = '{this.SubnetId}'
            """);
    }

    /// <inheritdoc/>
    public override string ToString() => this.Key;
}
