namespace Serverless.Pipelines.Notifications;

/// <summary>A notification delivery attempt failed. The message names the target only as <see cref="Definitions.NotificationTarget.Describe"/> does, never by its secret URL.</summary>
public sealed class NotificationDeliveryException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="NotificationDeliveryException"/> class.</summary>
    public NotificationDeliveryException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NotificationDeliveryException"/> class.</summary>
    /// <param name="message">The message.</param>
    public NotificationDeliveryException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NotificationDeliveryException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NotificationDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
