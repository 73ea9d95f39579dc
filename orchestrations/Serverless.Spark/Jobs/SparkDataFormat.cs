using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Spark.Jobs;

/// <summary>Gets the file format of a job input or output. An extensible string value, so an unknown value survives deserialization and is reported by validation.</summary>
[JsonConverter(typeof(SparkDataFormat.JsonConverter))]
public readonly struct SparkDataFormat : IEquatable<SparkDataFormat>
{
    private readonly string? value;

    /// <summary>Initializes a new instance of the <see cref="SparkDataFormat"/> struct.</summary>
    /// <param name="value">The value as written in a spec (compared case-insensitively).</param>
    public SparkDataFormat(string value) => this.value = value?.Trim().ToLowerInvariant() ?? string.Empty;

    /// <summary>Gets comma-separated values (options: header, delimiter).</summary>
    public static SparkDataFormat Csv { get; } = new("csv");

    /// <summary>Gets newline-delimited JSON records.</summary>
    public static SparkDataFormat Json { get; } = new("json");

    /// <summary>Gets Apache Parquet.</summary>
    public static SparkDataFormat Parquet { get; } = new("parquet");

    /// <summary>Gets every value this version understands.</summary>
    public static IReadOnlyList<SparkDataFormat> Known { get; } = [Csv, Json, Parquet];

    /// <summary>Gets a value indicating whether this is one of the <see cref="Known"/> values.</summary>
    public bool IsKnown => Known.Contains(this);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(SparkDataFormat left, SparkDataFormat right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(SparkDataFormat left, SparkDataFormat right) => !left.Equals(right);

    /// <summary>Converts a string.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator SparkDataFormat(string value) => new(value);

    /// <summary>Converts a string.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The struct.</returns>
    public static SparkDataFormat FromString(string value) => new(value);

    /// <inheritdoc/>
    public bool Equals(SparkDataFormat other) => string.Equals(this.value ?? string.Empty, other.value ?? string.Empty, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SparkDataFormat other && this.Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(this.value ?? string.Empty);

    /// <inheritdoc/>
    public override string ToString() => this.value ?? string.Empty;

    /// <summary>Reads and writes the value as a JSON string.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class JsonConverter : JsonConverter<SparkDataFormat>
    {
        /// <inheritdoc/>
        public override SparkDataFormat Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(reader.GetString() ?? string.Empty);

        /// <inheritdoc/>
        public override void Write(Utf8JsonWriter writer, SparkDataFormat value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(value.ToString());
        }
    }
}
