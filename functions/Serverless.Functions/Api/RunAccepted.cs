using System.Text.Json.Serialization;

namespace Serverless.Functions.Api;

/// <summary>The body of a 202 Accepted for a started run: the management URIs plus whether this request created it.</summary>
/// <param name="Links">The URIs.</param>
/// <param name="Created">False when the run id already existed and that run is returned.</param>
public sealed record RunAccepted([property: JsonIgnore] RunLinks Links, [property: JsonPropertyName("created")] bool Created)
{
    /// <summary>Gets the run id.</summary>
    [JsonPropertyName("id")]
    public string Id => this.Links.Id;

    /// <summary>Gets the status URI.</summary>
    [JsonPropertyName("statusQueryGetUri")]
    public string StatusQueryGetUri => this.Links.StatusQueryGetUri;

    /// <summary>Gets the terminate URI.</summary>
    [JsonPropertyName("terminatePostUri")]
    public string TerminatePostUri => this.Links.TerminatePostUri;

    /// <summary>Gets the event URI.</summary>
    [JsonPropertyName("sendEventPostUri")]
    public string SendEventPostUri => this.Links.SendEventPostUri;

    /// <summary>Gets the rerun URI.</summary>
    [JsonPropertyName("rerunPostUri")]
    public string RerunPostUri => this.Links.RerunPostUri;

    /// <summary>Gets the purge URI.</summary>
    [JsonPropertyName("purgeHistoryDeleteUri")]
    public string PurgeHistoryDeleteUri => this.Links.PurgeHistoryDeleteUri;
}
