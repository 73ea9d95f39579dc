using Microsoft.DurableTask;
using Serverless.Spark.Diagnostics;

namespace Serverless.Spark.Activities;

/// <summary>
/// Durable activity: appends lines the orchestrator decided (a retry and its delay, the attempt that was the last)
/// to a task attempt log. Orchestrators do no I/O, so their lines travel through this activity.
/// </summary>
/// <remarks>Activities run at least once: a redelivered call may repeat its lines.</remarks>
public sealed class AppendTaskLog : TaskActivity<AppendTaskLogInput, bool>
{
    private readonly TaskAttemptLog log;

    /// <summary>Initializes a new instance of the <see cref="AppendTaskLog"/> class.</summary>
    /// <param name="log">The attempt log writer.</param>
    public AppendTaskLog(TaskAttemptLog log) => this.log = log;

    /// <inheritdoc/>
    public override async Task<bool> RunAsync(TaskActivityContext context, AppendTaskLogInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        using var scope = this.log.BeginScope(input.Target);
        await this.log.WriteLinesAsync(input.Target, input.Lines, CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}
