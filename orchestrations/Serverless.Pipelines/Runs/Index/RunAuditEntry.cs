namespace Serverless.Pipelines.Runs.Index;

/// <summary>One action on a run, as its audit trail shows it.</summary>
/// <param name="At">When.</param>
/// <param name="By">Who: the API key's name (<c>key:{name}</c>) or the signed-in principal (<c>principal:{name}</c>).</param>
/// <param name="Action">What: <c>mark</c>, <c>clear</c>, <c>cleared-from</c>.</param>
/// <param name="Detail">The action's arguments in words.</param>
public sealed record RunAuditEntry(DateTimeOffset At, string By, string Action, string? Detail);
