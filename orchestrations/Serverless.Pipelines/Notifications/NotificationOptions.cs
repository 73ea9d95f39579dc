using Microsoft.Extensions.Configuration;

namespace Serverless.Pipelines.Notifications;

/// <summary>
/// The notification settings: the webhook URLs DAG files name by setting (<c>Serverless__Notifications__{name}__Url</c>)
/// and the delivery policy (<c>Serverless__NotificationDelivery__MaxAttempts</c>, <c>__FirstRetryInterval</c>,
/// <c>__BackoffCoefficient</c>, <c>__MaxRetryInterval</c>, <c>__RequestTimeout</c>).
/// </summary>
public sealed class NotificationOptions
{
    /// <summary>The configuration section of the named webhook URLs.</summary>
    public const string TargetsSection = "Serverless:Notifications";

    /// <summary>The configuration section of the delivery policy.</summary>
    public const string DeliverySection = "Serverless:NotificationDelivery";

    /// <summary>Gets the webhook URLs by setting name (names compare case-insensitively, as configuration keys do).</summary>
    public IDictionary<string, string> Urls { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the most delivery attempts of one event to one target, the first included. The default is 5; at least 1.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Gets or sets the wait before the second attempt. The default is 5 seconds.</summary>
    public TimeSpan FirstRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the factor each further wait grows by. The default is 2 (exponential backoff); 1 waits evenly.</summary>
    public double BackoffCoefficient { get; set; } = 2;

    /// <summary>Gets or sets the longest wait between attempts. The default is 1 minute.</summary>
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long one POST may take before it counts as failed. The default is 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the retry policy runs carry in their input.</summary>
    public NotificationRetry Retry => new()
    {
        MaxAttempts = Math.Max(1, this.MaxAttempts),
        FirstRetryInterval = this.FirstRetryInterval > TimeSpan.Zero ? this.FirstRetryInterval : TimeSpan.FromSeconds(1),
        BackoffCoefficient = Math.Max(1, this.BackoffCoefficient),
        MaxRetryInterval = this.MaxRetryInterval,
    };

    /// <summary>Reads the settings from configuration.</summary>
    /// <param name="configuration">The root configuration.</param>
    /// <param name="options">The options to fill.</param>
    public static void Bind(IConfiguration configuration, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var target in configuration.GetSection(TargetsSection).GetChildren())
        {
            if (target["Url"] is { Length: > 0 } url)
            {
                options.Urls[target.Key] = url;
            }
        }

        configuration.GetSection(DeliverySection).Bind(options);
    }
}
