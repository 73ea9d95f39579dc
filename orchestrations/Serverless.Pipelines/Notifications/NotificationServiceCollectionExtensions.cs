using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Serverless.Pipelines.Notifications;

/// <summary>Registers what notification delivery needs: settings, the HTTP client and the dead-letter store.</summary>
public static class NotificationServiceCollectionExtensions
{
    /// <summary>Registers the notification services; the settings come from code or <see cref="AddNotificationSettings"/>.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<NotificationOptions>();
        services.TryAddSingleton<NotificationDeadLetterStore>();
        // The factory's default loggers write every request URI at Information: a webhook's path and query are its
        // secret, so they go. Redirects are not followed: a redirect could lead past the URL check.
        services.AddHttpClient(DeliverNotification.HttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        return services;
    }

    /// <summary>Reads the notification settings from configuration (see <see cref="NotificationOptions"/>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The root configuration.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddNotificationSettings(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<NotificationOptions>().Configure(options => NotificationOptions.Bind(configuration, options));
        return services;
    }
}
