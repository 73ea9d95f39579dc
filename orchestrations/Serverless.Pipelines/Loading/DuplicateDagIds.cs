using Serverless.Pipelines.Validation;

namespace Serverless.Pipelines.Loading;

/// <summary>Adds a problem to every file of a set that declares a DAG id another file also declares.</summary>
internal static class DuplicateDagIds
{
    public static IReadOnlyList<DagLoadResult> Report(IReadOnlyList<DagLoadResult> results)
    {
        var owners = results
            .Where(r => r.Dag is { Id.Length: > 0 })
            .GroupBy(r => r.Dag!.Id, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .ToDictionary(g => g.Key, g => g.Select(r => r.FileName).ToList(), StringComparer.Ordinal);
        if (owners.Count == 0)
        {
            return results;
        }

        return results.Select(r =>
        {
            if (r.Dag is null || !owners.TryGetValue(r.Dag.Id, out var files))
            {
                return r;
            }

            var others = string.Join(", ", files.Where(f => !string.Equals(f, r.FileName, StringComparison.Ordinal)));
            var problem = new DagProblem(r.FileName, 0, 0, "id", $"DAG id '{r.Dag.Id}' is also declared in {others}");
            return r with { Problems = [.. r.Problems, problem] };
        }).ToList();
    }
}
