namespace Serverless.Spark.Jobs;

/// <summary>
/// When a job's status is read again: first after <see cref="First"/>, each interval <see cref="Factor"/> times the last,
/// never more than <see cref="Max"/> apart.
/// </summary>
/// <param name="First">The first interval; at least 1 millisecond.</param>
/// <param name="Factor">What each interval is multiplied by; below 1 counts as 1.</param>
/// <param name="Max">The longest interval.</param>
public sealed record SparkJobPollSchedule(TimeSpan First, double Factor, TimeSpan Max)
{
    /// <summary>Gets the interval after <paramref name="interval"/>.</summary>
    /// <param name="interval">The last interval.</param>
    /// <returns>The next one.</returns>
    public TimeSpan Next(TimeSpan interval)
    {
        var next = interval * Math.Max(1, this.Factor);
        return next > this.Max ? this.Max : next;
    }

    /// <summary>Gets the first interval, at least 1 millisecond and at most <see cref="Max"/>.</summary>
    /// <returns>The interval.</returns>
    public TimeSpan Start()
    {
        var first = this.First < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : this.First;
        return first > this.Max && this.Max > TimeSpan.Zero ? this.Max : first;
    }
}
