namespace Serverless.Spark.Diagnostics;

/// <summary>Part of a task attempt log, as <see cref="TaskAttemptLog.ReadAsync"/> read it.</summary>
/// <param name="Bytes">The bytes read (UTF-8 text).</param>
/// <param name="Length">The log's whole length when it was read; a reader tailing the log continues from here.</param>
public sealed record TaskAttemptLogChunk(ReadOnlyMemory<byte> Bytes, long Length);
