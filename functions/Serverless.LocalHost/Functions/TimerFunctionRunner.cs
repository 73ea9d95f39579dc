using Cronos;

namespace Serverless.LocalHost.Functions;

/// <summary>
/// Runs the Functions app's timer functions on their own NCRONTAB schedules (six fields, seconds first), as the
/// Functions host does. A failed invocation is logged and the next occurrence runs as scheduled.
/// </summary>
internal sealed partial class TimerFunctionRunner : BackgroundService
{
    private readonly IReadOnlyList<FunctionMethod> functions;
    private readonly IServiceProvider services;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    /// <summary>Initializes a new instance of the <see cref="TimerFunctionRunner"/> class.</summary>
    /// <param name="functions">The functions (only timer ones run).</param>
    /// <param name="services">The services.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public TimerFunctionRunner(IReadOnlyList<FunctionMethod> functions, IServiceProvider services, TimeProvider time, ILogger<TimerFunctionRunner> logger)
    {
        this.functions = functions.Where(f => f.Timer is not null).ToList();
        this.services = services;
        this.time = time;
        this.logger = logger;
    }

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(this.functions.Select(f => this.RunAsync(f, stoppingToken)));

    private async Task RunAsync(FunctionMethod function, CancellationToken stoppingToken)
    {
        var schedule = CronExpression.Parse(function.Timer!.Schedule, CronFormat.IncludeSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = this.time.GetUtcNow();
            if (schedule.GetNextOccurrence(now.UtcDateTime) is not { } next)
            {
                return;
            }

            try
            {
                await Task.Delay(next - now.UtcDateTime, this.time, stoppingToken).ConfigureAwait(false);
                await function.InvokeAsync(this.services, null, null, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                this.TimerFailed(function.Name, e);
            }
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Timer function {Function} failed; its next occurrence runs as scheduled")]
    private partial void TimerFailed(string function, Exception error);
}
