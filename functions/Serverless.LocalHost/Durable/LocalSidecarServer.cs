using System.Collections.Concurrent;
using System.Reflection;
using DurableTask.Core;
using Grpc.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Options;
using P = Microsoft.DurableTask.Protobuf;

namespace Serverless.LocalHost.Durable;

/// <summary>
/// The sidecar's gRPC server, with its streamed histories let go. For an instance whose history is over 1 MiB, the
/// server keeps the events it streams to the worker in a dictionary and never removes them, so every large history
/// stayed in memory for the life of the process (in the map-10000 benchmark, 2026-12-01, about 100 MB of chunk and
/// run histories, the largest live objects of the heap). A history is only streamed before its episode runs, so it is
/// dropped as the worker answers that episode, before the next one can be dispatched.
/// </summary>
/// <remarks>
/// Sending histories inside the work item instead (the worker announcing no streaming) was measured too: the whole
/// history then arrives as one message, and map-10000 peaked at 1,089 MB instead of 680 MB. The dictionary is private
/// to the server (Microsoft.DurableTask.InProcessTestHost 0.2.3-preview.1); when a version renames it, the field is not
/// found and the server behaves as the library's own.
/// </remarks>
internal sealed class LocalSidecarServer : TaskHubGrpcServer
{
    private static readonly FieldInfo? StreamedField = typeof(TaskHubGrpcServer).GetField("streamingPastEvents", BindingFlags.Instance | BindingFlags.NonPublic);

    private readonly ConcurrentDictionary<string, List<P.HistoryEvent>>? streamed;

    public LocalSidecarServer(IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory, IOrchestrationService service, IOrchestrationServiceClient client, IOptions<TaskHubGrpcServerOptions> options)
        : base(lifetime, loggerFactory, service, client, options) =>
        this.streamed = StreamedField?.GetValue(this) as ConcurrentDictionary<string, List<P.HistoryEvent>>;

    private int streams;

    /// <summary>Gets how many instances' streamed histories the server holds, or -1 when it keeps them where this class does not find them.</summary>
    internal int HeldHistories => this.streamed?.Count ?? -1;

    /// <summary>Gets how many histories the server has streamed to the worker.</summary>
    internal int Streams => Volatile.Read(ref this.streams);

    /// <inheritdoc/>
    public override Task StreamInstanceHistory(P.StreamInstanceHistoryRequest request, IServerStreamWriter<P.HistoryChunk> responseStream, ServerCallContext context)
    {
        Interlocked.Increment(ref this.streams);
        return base.StreamInstanceHistory(request, responseStream, context);
    }

    /// <inheritdoc/>
    public override Task<P.CompleteTaskResponse> CompleteOrchestratorTask(P.OrchestratorResponse request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Removed before the base completes the episode: from then on the next episode may store a new history.
        this.streamed?.TryRemove(request.InstanceId, out _);
        return base.CompleteOrchestratorTask(request, context);
    }
}
