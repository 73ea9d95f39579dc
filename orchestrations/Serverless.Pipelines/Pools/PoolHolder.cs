using System.Globalization;

namespace Serverless.Pipelines.Pools;

/// <summary>
/// Who holds (or waits for) pool slots: one attempt of one task instance, written <c>{instance}|{task}|{mapIndex or -}|{attempt}</c>.
/// The instance is the orchestration that runs the attempt (the run, or a chunk of a large map), so a slot is taken
/// over exactly when that orchestration has ended.
/// </summary>
/// <param name="InstanceId">The orchestration instance (a run id, or a map chunk's <c>{runId}--map-{task}-{n}</c>).</param>
/// <param name="TaskId">The task.</param>
/// <param name="MapIndex">The map index, or <see langword="null"/>.</param>
/// <param name="Attempt">The attempt, from 1.</param>
public sealed record PoolHolder(string InstanceId, string TaskId, int? MapIndex, int Attempt)
{
    private const char Separator = '|';
    private const string MapChunkMarker = "--map-";

    /// <summary>Gets the run the attempt belongs to.</summary>
    public string RunId => this.InstanceId.IndexOf(MapChunkMarker, StringComparison.Ordinal) is var at and > 0 ? this.InstanceId[..at] : this.InstanceId;

    /// <summary>Reads a holder written by <see cref="ToString"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The holder, or <see langword="null"/> when the text is not one.</returns>
    public static PoolHolder? Parse(string? text)
    {
        var parts = text?.Split(Separator);
        if (parts is not [{ Length: > 0 } instance, { Length: > 0 } task, var index, var attempt]
            || !int.TryParse(attempt, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        int? mapIndex = int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
        return new PoolHolder(instance, task, mapIndex, number);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{this.InstanceId}{Separator}{this.TaskId}{Separator}{(this.MapIndex is { } i ? i.ToString(CultureInfo.InvariantCulture) : "-")}{Separator}{this.Attempt}");
}
