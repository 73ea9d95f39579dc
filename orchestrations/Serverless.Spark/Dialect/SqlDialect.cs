using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Spark.Dialect;

/// <summary>
/// Gets the SQL dialect of a <c>sql</c> job: Spark SQL (the default, runs everywhere) or DuckDB SQL (local backend
/// only, written on purpose). An extensible string value, so an unknown value survives deserialization and is
/// reported by validation.
/// </summary>
[JsonConverter(typeof(SqlDialect.JsonConverter))]
public readonly struct SqlDialect : IEquatable<SqlDialect>
{
    private readonly string? value;

    /// <summary>Initializes a new instance of the <see cref="SqlDialect"/> struct.</summary>
    /// <param name="value">The value as written in a spec (compared case-insensitively).</param>
    public SqlDialect(string value) => this.value = value?.Trim().ToLowerInvariant() ?? string.Empty;

    /// <summary>Gets Spark SQL: the local backend rewrites it for DuckDB and refuses what it cannot run with Spark's meaning.</summary>
    public static SqlDialect Spark { get; } = new("spark");

    /// <summary>Gets DuckDB SQL, run as written; only the local backend accepts it.</summary>
    public static SqlDialect DuckDb { get; } = new("duckdb");

    /// <summary>Gets every value this version understands.</summary>
    public static IReadOnlyList<SqlDialect> Known { get; } = [Spark, DuckDb];

    /// <summary>Gets a value indicating whether this is one of the <see cref="Known"/> values.</summary>
    public bool IsKnown => Known.Contains(this);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(SqlDialect left, SqlDialect right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(SqlDialect left, SqlDialect right) => !left.Equals(right);

    /// <summary>Converts a string.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator SqlDialect(string value) => new(value);

    /// <summary>Converts a string.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The struct.</returns>
    public static SqlDialect FromString(string value) => new(value);

    /// <inheritdoc/>
    public bool Equals(SqlDialect other) => string.Equals(this.value ?? string.Empty, other.value ?? string.Empty, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SqlDialect other && this.Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(this.value ?? string.Empty);

    /// <inheritdoc/>
    public override string ToString() => this.value ?? string.Empty;

    /// <summary>Reads and writes the value as a JSON string.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class JsonConverter : JsonConverter<SqlDialect>
    {
        /// <inheritdoc/>
        public override SqlDialect Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(reader.GetString() ?? string.Empty);

        /// <inheritdoc/>
        public override void Write(Utf8JsonWriter writer, SqlDialect value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(value.ToString());
        }
    }
}
