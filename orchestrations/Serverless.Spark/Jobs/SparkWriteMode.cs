using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Spark.Jobs;

/// <summary>Gets what happens when an output location already holds data. An extensible string value, so an unknown value survives deserialization and is reported by validation.</summary>
[JsonConverter(typeof(SparkWriteMode.JsonConverter))]
public readonly struct SparkWriteMode : IEquatable<SparkWriteMode>
{
    private readonly string? value;

    /// <summary>Initializes a new instance of the <see cref="SparkWriteMode"/> struct.</summary>
    /// <param name="value">The value as written in a spec (compared case-insensitively).</param>
    public SparkWriteMode(string value) => this.value = value?.Trim().ToLowerInvariant() ?? string.Empty;

    /// <summary>Gets replace whatever is under the output location (the default).</summary>
    public static SparkWriteMode Overwrite { get; } = new("overwrite");

    /// <summary>Gets fail the job when the output location holds any blob.</summary>
    public static SparkWriteMode ErrorIfExists { get; } = new("errorifexists");

    /// <summary>Gets every value this version understands.</summary>
    public static IReadOnlyList<SparkWriteMode> Known { get; } = [Overwrite, ErrorIfExists];

    /// <summary>Gets a value indicating whether this is one of the <see cref="Known"/> values.</summary>
    public bool IsKnown => Known.Contains(this);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(SparkWriteMode left, SparkWriteMode right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(SparkWriteMode left, SparkWriteMode right) => !left.Equals(right);

    /// <summary>Converts a string.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator SparkWriteMode(string value) => new(value);

    /// <summary>Converts a string.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The struct.</returns>
    public static SparkWriteMode FromString(string value) => new(value);

    /// <inheritdoc/>
    public bool Equals(SparkWriteMode other) => string.Equals(this.value ?? string.Empty, other.value ?? string.Empty, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SparkWriteMode other && this.Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(this.value ?? string.Empty);

    /// <inheritdoc/>
    public override string ToString() => this.value ?? string.Empty;

    /// <summary>Reads and writes the value as a JSON string.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class JsonConverter : JsonConverter<SparkWriteMode>
    {
        /// <inheritdoc/>
        public override SparkWriteMode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(reader.GetString() ?? string.Empty);

        /// <inheritdoc/>
        public override void Write(Utf8JsonWriter writer, SparkWriteMode value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(value.ToString());
        }
    }
}
