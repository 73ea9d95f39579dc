namespace Serverless.Functions.Api;

/// <summary>One DAG file as <c>GET /api/dags</c> and <c>POST /api/dags/refresh</c> list it.</summary>
/// <param name="Id">The DAG id, or <see langword="null"/> when the file is not a readable document.</param>
/// <param name="File">The file or blob name.</param>
/// <param name="Valid">Whether the file as it is now loads without problems.</param>
/// <param name="Active">Whether a version of the DAG serves its schedule and triggers: the file, or its last valid version.</param>
/// <param name="Paused">Whether the scheduler skips the DAG (see <c>POST /api/dags/{id}/pause</c>); <see langword="null"/> when no version of it is active.</param>
/// <param name="ServingPreviousVersion">Whether the file has problems and its last valid version is the one that runs.</param>
/// <param name="Description">The description.</param>
/// <param name="Schedule">The schedule.</param>
/// <param name="Tags">The tags.</param>
/// <param name="Tasks">The number of tasks.</param>
/// <param name="Problems">The problems of the file as it is now.</param>
/// <param name="Warnings">What does not stop the DAG from loading but will fail or surprise, such as a task kind the backend cannot run here.</param>
internal sealed record DagSummary(
    string? Id,
    string File,
    bool Valid,
    bool Active,
    bool? Paused,
    bool ServingPreviousVersion,
    string? Description,
    string? Schedule,
    IReadOnlyList<string> Tags,
    int Tasks,
    IReadOnlyList<object> Problems,
    IReadOnlyList<object> Warnings);
