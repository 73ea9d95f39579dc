using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests.Bicep;

/// <summary>
/// The resources one deployment would create, as `bicep snapshot` predicts them offline: conditions, loops and
/// modules evaluated, names resolved; values known only at deployment time stay ARM expressions.
/// </summary>
public sealed class DeploymentSnapshot
{
    private readonly JsonObject root;

    /// <summary>Initializes a new instance of the <see cref="DeploymentSnapshot"/> class.</summary>
    /// <param name="choice">The parameters that produced it.</param>
    /// <param name="json">The snapshot file content.</param>
    public DeploymentSnapshot(DeploymentChoice choice, string json)
    {
        this.Choice = choice;
        this.root = JsonNode.Parse(json)!.AsObject();
    }

    /// <summary>Gets the parameters that produced the snapshot.</summary>
    public DeploymentChoice Choice { get; }

    /// <summary>Gets every predicted resource.</summary>
    public IReadOnlyList<JsonObject> Resources =>
        this.root["predictedResources"]!.AsArray().Select(r => r!.AsObject()).ToList();

    /// <summary>Gets the deployment outputs (expressions where they depend on deployed resources).</summary>
    public JsonObject Outputs => this.root["outputs"]!.AsObject();

    /// <summary>Gets the diagnostics Bicep reported while predicting.</summary>
    public JsonArray Diagnostics => this.root["diagnostics"]!.AsArray();

    /// <summary>Gets the resources of a type.</summary>
    /// <param name="type">For example <c>Microsoft.Web/sites</c>.</param>
    /// <returns>The matching resources, in template order.</returns>
    public IReadOnlyList<JsonObject> OfType(string type) =>
        this.Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>Gets the one resource of a type.</summary>
    /// <param name="type">The resource type.</param>
    /// <returns>The resource; fails the test if there is not exactly one.</returns>
    public JsonObject Single(string type) => Assert.Single(this.OfType(type));

    /// <summary>Gets the last name segment of child resources of a type (container, queue and table names).</summary>
    /// <param name="type">The resource type.</param>
    /// <param name="parentName">Only children whose full name starts with this parent (for example the storage account).</param>
    /// <returns>The leaf names.</returns>
    public IReadOnlyList<string> ChildNames(string type, string parentName) =>
        this.OfType(type)
            .Select(r => (string)r["name"]!)
            .Where(name => name.StartsWith(parentName + "/", StringComparison.Ordinal))
            .Select(name => name[(name.LastIndexOf('/') + 1)..])
            .ToList();

    /// <summary>Gets the Function App settings as a dictionary.</summary>
    /// <returns>Setting name to value.</returns>
    public IReadOnlyDictionary<string, string> AppSettings()
    {
        JsonObject site = this.Single("Microsoft.Web/sites");
        return site["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => (string)s!["name"]!, s => (string)s!["value"]!, StringComparer.Ordinal);
    }

    /// <summary>Gets the resource ID of the one user-assigned identity.</summary>
    public string IdentityId => (string)this.Single("Microsoft.ManagedIdentity/userAssignedIdentities")["id"]!;

    /// <summary>Gets the app's storage account (the one that is not a Synapse data lake).</summary>
    public JsonObject AppStorageAccount =>
        Assert.Single(this.OfType("Microsoft.Storage/storageAccounts"), r => r["properties"]?["isHnsEnabled"] is null);

    /// <summary>Gets the role assignments granted to a principal, as (scope resource ID, role definition GUID) pairs.</summary>
    /// <param name="principal">Text the principalId contains: an object ID, or a resource ID for principals known only at deployment.</param>
    /// <returns>The assignments.</returns>
    public IReadOnlyList<(string Scope, string RoleId)> RoleAssignmentsOf(string principal) =>
        this.OfType("Microsoft.Authorization/roleAssignments")
            .Where(r => ((string?)r["properties"]!["principalId"])?.Contains(principal, StringComparison.Ordinal) == true)
            .Select(r => (ScopeOf((string)r["id"]!), LastSegment((string)r["properties"]!["roleDefinitionId"]!)))
            .ToList();

    private static string LastSegment(string id) => id[(id.LastIndexOf('/') + 1)..];

    // An extension resource's ID is [extensionResourceId('<scope>', ...)] or <scope>/providers/Microsoft.Authorization/....
    private static string ScopeOf(string roleAssignmentId)
    {
        const string expressionStart = "[extensionResourceId('";
        if (roleAssignmentId.StartsWith(expressionStart, StringComparison.Ordinal))
        {
            int end = roleAssignmentId.IndexOf('\'', expressionStart.Length);
            return roleAssignmentId[expressionStart.Length..end];
        }

        return roleAssignmentId[..roleAssignmentId.IndexOf("/providers/Microsoft.Authorization/", StringComparison.Ordinal)];
    }
}
