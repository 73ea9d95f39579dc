using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Spark.Jobs;

/// <summary>Gets the kind of a Spark job: Spark SQL, a PySpark script or a JAR. An extensible string value, so an unknown value survives deserialization and is reported by validation.</summary>
[JsonConverter(typeof(SparkJobKind.JsonConverter))]
public readonly struct SparkJobKind : IEquatable<SparkJobKind>
{
    private readonly string? value;

    /// <summary>Initializes a new instance of the <see cref="SparkJobKind"/> struct.</summary>
    /// <param name="value">The value as written in a spec (compared case-insensitively).</param>
    public SparkJobKind(string value) => this.value = value?.Trim().ToLowerInvariant() ?? string.Empty;

    /// <summary>Gets a Spark SQL job (every backend runs it, clusters through the generic runner script).</summary>
    public static SparkJobKind Sql { get; } = new("sql");

    /// <summary>Gets a PySpark script job.</summary>
    public static SparkJobKind PySpark { get; } = new("pyspark");

    /// <summary>Gets a JAR job with a main class.</summary>
    public static SparkJobKind Jar { get; } = new("jar");

    /// <summary>Gets every value this version understands.</summary>
    public static IReadOnlyList<SparkJobKind> Known { get; } = [Sql, PySpark, Jar];

    /// <summary>Gets a value indicating whether this is one of the <see cref="Known"/> values.</summary>
    public bool IsKnown => Known.Contains(this);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(SparkJobKind left, SparkJobKind right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(SparkJobKind left, SparkJobKind right) => !left.Equals(right);

    /// <summary>Converts a string.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator SparkJobKind(string value) => new(value);

    /// <summary>Converts a string.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The struct.</returns>
    public static SparkJobKind FromString(string value) => new(value);

    /// <inheritdoc/>
    public bool Equals(SparkJobKind other) => string.Equals(this.value ?? string.Empty, other.value ?? string.Empty, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SparkJobKind other && this.Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(this.value ?? string.Empty);

    /// <inheritdoc/>
    public override string ToString() => this.value ?? string.Empty;

    /// <summary>Reads and writes the value as a JSON string.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class JsonConverter : JsonConverter<SparkJobKind>
    {
        /// <inheritdoc/>
        public override SparkJobKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(reader.GetString() ?? string.Empty);

        /// <inheritdoc/>
        public override void Write(Utf8JsonWriter writer, SparkJobKind value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(value.ToString());
        }
    }
}
