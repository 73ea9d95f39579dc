using Microsoft.DurableTask;

namespace Serverless.Spark.Activities;

/// <summary>Registers the Spark activities with the durable engine.</summary>
public static class SparkActivityRegistration
{
    /// <summary>Registers <see cref="SubmitSparkJob"/>, <see cref="GetSparkJobStatus"/>, <see cref="CancelSparkJob"/> and <see cref="AppendTaskLog"/> under their type names.</summary>
    /// <param name="registry">The registry.</param>
    /// <returns>The registry.</returns>
    public static DurableTaskRegistry AddSparkActivities(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .AddActivity<SubmitSparkJob>()
            .AddActivity<GetSparkJobStatus>()
            .AddActivity<CancelSparkJob>()
            .AddActivity<AppendTaskLog>();
    }
}
