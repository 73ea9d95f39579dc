using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Notifications;

/// <summary>The input of <see cref="DeliverNotification"/>: one event to one target.</summary>
/// <param name="Event">The event.</param>
/// <param name="Target">The target (a setting name, never the secret URL it holds, travels through the run's history).</param>
/// <param name="TargetIndex">The target's place in the event's target list, which tells two targets of one event apart.</param>
public sealed record NotificationDelivery(NotificationEvent Event, NotificationTarget Target, int TargetIndex);
