namespace Serverless.Pipelines.Loading;

/// <summary>A node of a parsed YAML or JSON document with the 1-based line and column where it starts.</summary>
internal abstract record SourceNode(int Line, int Column);

/// <summary>The type a scalar resolved to (YAML 1.2 core schema for plain scalars; quoted scalars are strings).</summary>
internal enum ScalarKind
{
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>A scalar value.</summary>
internal sealed record SourceScalar(string? Value, ScalarKind Kind, int Line, int Column) : SourceNode(Line, Column);

/// <summary>A mapping in document order.</summary>
internal sealed record SourceMapping(IReadOnlyList<KeyValuePair<SourceScalar, SourceNode>> Entries, int Line, int Column) : SourceNode(Line, Column);

/// <summary>A sequence.</summary>
internal sealed record SourceSequence(IReadOnlyList<SourceNode> Items, int Line, int Column) : SourceNode(Line, Column);
