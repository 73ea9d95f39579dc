using System.Text.Json.Nodes;

namespace Serverless.Pipelines.Definitions;

/// <summary>A declared run parameter, referenced in templates as <c>{{ params.NAME }}</c>.</summary>
public sealed record DagParam
{
    /// <summary>Gets the name (pattern <see cref="DagIdentifiers.ParamNamePattern"/>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the type supplied values and the default must have.</summary>
    public DagParamType Type { get; init; } = DagParamType.String;

    /// <summary>Gets the default value, or <see langword="null"/> for none.</summary>
    public JsonNode? Default { get; init; }

    /// <summary>Gets a value indicating whether a trigger must supply a value when there is no default.</summary>
    public bool Required { get; init; }

    /// <summary>Gets the human description.</summary>
    public string? Description { get; init; }
}
