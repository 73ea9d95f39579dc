using System.Globalization;
using System.Text;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;

namespace Serverless.Benchmarks.Dag;

/// <summary>The DAG shapes of <c>./bench.sh dag</c>, as DAG files (so they go through the same loader as users' files).</summary>
public static class DagShapes
{
    /// <summary>A chain t000 → t001 → … of <paramref name="length"/> tasks.</summary>
    /// <param name="id">The DAG id.</param>
    /// <param name="length">The number of tasks.</param>
    /// <returns>The DAG.</returns>
    public static DagDefinition Chain(string id, int length)
    {
        var yaml = new StringBuilder().Append(CultureInfo.InvariantCulture, $"id: {id}\nmaxActiveTasks: 16\nmaxActiveRuns: 4\ntasks:\n");
        for (var i = 0; i < length; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ id: t{i:D4}, kind: sql, sql: SELECT 1, outputs: [rows]{(i == 0 ? string.Empty : $", dependsOn: [t{i - 1:D4}]")} }}\n");
        }

        return Load(yaml.ToString());
    }

    /// <summary>A root, <paramref name="width"/> tasks after it, and a join after all of them.</summary>
    /// <param name="id">The DAG id.</param>
    /// <param name="width">The width.</param>
    /// <returns>The DAG.</returns>
    public static DagDefinition Wide(string id, int width)
    {
        var yaml = new StringBuilder().Append(CultureInfo.InvariantCulture, $"id: {id}\nmaxActiveTasks: {width + 1}\ntasks:\n  - {{ id: root, kind: sql, sql: SELECT 1, outputs: [rows] }}\n");
        for (var i = 0; i < width; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ id: w{i:D4}, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [root] }}\n");
        }

        yaml.Append("  - id: join\n    kind: sql\n    sql: SELECT 1\n    outputs: [rows]\n    dependsOn: [");
        yaml.AppendJoin(", ", Enumerable.Range(0, width).Select(i => string.Create(CultureInfo.InvariantCulture, $"w{i:D4}")));
        yaml.Append("]\n");
        return Load(yaml.ToString());
    }

    /// <summary><paramref name="layers"/> layers of <paramref name="width"/> tasks; task i of a layer depends on tasks i and i+1 (mod width) of the layer before.</summary>
    /// <param name="id">The DAG id.</param>
    /// <param name="layers">The number of layers.</param>
    /// <param name="width">The tasks per layer.</param>
    /// <returns>The DAG.</returns>
    public static DagDefinition Layers(string id, int layers, int width)
    {
        var yaml = new StringBuilder().Append(CultureInfo.InvariantCulture, $"id: {id}\nmaxActiveTasks: {width}\ntasks:\n");
        for (var l = 0; l < layers; l++)
        {
            for (var i = 0; i < width; i++)
            {
                var depends = l == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", dependsOn: [l{l - 1:D3}_{i:D3}{(width > 1 ? $", l{l - 1:D3}_{(i + 1) % width:D3}" : string.Empty)}]");
                yaml.Append(CultureInfo.InvariantCulture, $"  - {{ id: l{l:D3}_{i:D3}, kind: sql, sql: SELECT 1, outputs: [rows]{depends} }}\n");
            }
        }

        return Load(yaml.ToString());
    }

    /// <summary>A root and a task mapped over the array param <c>items</c> (given at trigger).</summary>
    /// <param name="id">The DAG id.</param>
    /// <param name="parallelism">The most mapped instances at once.</param>
    /// <returns>The DAG.</returns>
    public static DagDefinition Map(string id, int parallelism)
    {
        var yaml = string.Create(CultureInfo.InvariantCulture, $$"""
            id: {{id}}
            maxActiveTasks: {{parallelism}}
            params:
              items: { type: array, default: [] }
            tasks:
              - { id: root, kind: sql, sql: SELECT 1, outputs: [rows] }
              - id: each
                kind: sql
                sql: SELECT 1
                outputs: [rows]
                dependsOn: [root]
                expand: { param: items, maxParallelism: {{parallelism}} }

            """);
        return Load(yaml);
    }

    /// <summary>A 5-task DAG (a, then b and c, then d, then e) limited to <paramref name="maxActiveRuns"/> runs at once.</summary>
    /// <param name="id">The DAG id.</param>
    /// <param name="maxActiveRuns">The DAG's max active runs.</param>
    /// <returns>The DAG.</returns>
    public static DagDefinition Small(string id, int maxActiveRuns) => Load(string.Create(CultureInfo.InvariantCulture, $$"""
        id: {{id}}
        maxActiveRuns: {{maxActiveRuns}}
        tasks:
          - { id: a, kind: sql, sql: SELECT 1, outputs: [rows] }
          - { id: b, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [a] }
          - { id: c, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [a] }
          - { id: d, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [b, c] }
          - { id: e, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [d] }

        """));

    private static DagDefinition Load(string yaml)
    {
        var loaded = DagFileLoader.Load(yaml, "bench.yaml");
        return loaded.IsValid ? loaded.Dag! : throw new InvalidOperationException(string.Join("\n", loaded.Problems));
    }
}
