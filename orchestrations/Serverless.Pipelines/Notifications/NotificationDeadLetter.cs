namespace Serverless.Pipelines.Notifications;

/// <summary>The input of <see cref="RecordNotificationDeadLetter"/>: a delivery that used up its attempts.</summary>
/// <param name="Delivery">The delivery.</param>
/// <param name="Attempts">The attempts made.</param>
/// <param name="LastError">The last attempt's error.</param>
/// <param name="DeadLetteredAt">When the orchestrator gave up (orchestration time, UTC).</param>
public sealed record NotificationDeadLetter(NotificationDelivery Delivery, int Attempts, string LastError, DateTime DeadLetteredAt);
