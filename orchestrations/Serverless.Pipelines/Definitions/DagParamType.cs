namespace Serverless.Pipelines.Definitions;

/// <summary>The JSON type a DAG parameter value must have.</summary>
public enum DagParamType
{
    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A JSON number without a fractional part.</summary>
    Integer,

    /// <summary>Any JSON number.</summary>
    Number,

    /// <summary>A JSON boolean.</summary>
    Boolean,

    /// <summary>A JSON array.</summary>
    Array,

    /// <summary>A JSON object.</summary>
    Object,

    /// <summary>A JSON string holding a calendar date, <c>yyyy-MM-dd</c>.</summary>
    Date,
}
