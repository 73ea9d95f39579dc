using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Notifications;

/// <summary>Durable activity: records a delivery that used up its attempts in the <see cref="NotificationDeadLetterStore"/>.</summary>
/// <remarks>Runs at least once; the row is keyed by event and target, so a repeat rewrites the same row.</remarks>
public sealed class RecordNotificationDeadLetter : TaskActivity<NotificationDeadLetter, bool>
{
    private readonly NotificationDeadLetterStore store;
    private readonly ILogger<RecordNotificationDeadLetter> logger;

    /// <summary>Initializes a new instance of the <see cref="RecordNotificationDeadLetter"/> class.</summary>
    /// <param name="store">The dead-letter store.</param>
    /// <param name="logger">The logger.</param>
    public RecordNotificationDeadLetter(NotificationDeadLetterStore store, ILogger<RecordNotificationDeadLetter> logger)
    {
        this.store = store;
        this.logger = logger;
    }

    /// <inheritdoc/>
    public override async Task<bool> RunAsync(TaskActivityContext context, NotificationDeadLetter input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await this.store.WriteAsync(input, CancellationToken.None).ConfigureAwait(false);
        var notification = input.Delivery.Event;
        NotificationLogs.DeadLettered(this.logger, notification.Id, WireNames.Of(notification.Kind), notification.RunId, input.Delivery.Target.Describe(), input.Attempts, input.LastError);
        return true;
    }
}
