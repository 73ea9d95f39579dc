namespace Serverless.Pipelines.Definitions;

/// <summary>What a task does when it runs. Written in files as <c>sql</c>, <c>pyspark</c>, <c>jar</c>, <c>sensor</c>, <c>branch</c>.</summary>
public enum DagTaskKind
{
    /// <summary>A Spark SQL job over the task's inputs.</summary>
    Sql,

    /// <summary>A PySpark script.</summary>
    PySpark,

    /// <summary>A Spark application packaged as a JAR.</summary>
    Jar,

    /// <summary>Waits until a blob exists, an external event arrives, or a time is reached.</summary>
    Sensor,

    /// <summary>Picks which of its direct downstream tasks run.</summary>
    Branch,
}
