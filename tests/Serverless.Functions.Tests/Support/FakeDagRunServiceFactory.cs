using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Service;

namespace Serverless.Functions.Tests.Support;

/// <summary>Hands every function the same fake run service, whatever durable client it was bound to.</summary>
internal sealed class FakeDagRunServiceFactory(FakeDagRunService runs) : IDagRunServiceFactory
{
    public IDagRunService Create(DurableTaskClient client) => runs;
}
