using Microsoft.DurableTask.Client;

namespace Serverless.Pipelines.Service;

/// <summary>Creates the run service over the durable client of the function being invoked.</summary>
public interface IDagRunServiceFactory
{
    /// <summary>Creates the service over a client.</summary>
    /// <param name="client">The durable client.</param>
    /// <returns>The service.</returns>
    IDagRunService Create(DurableTaskClient client);
}
