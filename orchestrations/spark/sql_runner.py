"""Generic PySpark runner for Serverless `sql` jobs on cluster backends (Livy/HDInsight, Synapse, Databricks).

Usage: spark-submit sql_runner.py <spec.json URI>

The spec is the same JSON the local DuckDB backend runs (camelCase; see "Spark job layer" in the README), with input and output
locations already rewritten to cluster URIs (abfss://...). The runner registers every input as a temporary view
named after it, runs the SQL statements in order (split at ';' outside quotes and comments, exactly as the local
backend splits them), and writes each output: the result of the last statement for the output without a 'table',
or the named table/view for the others. It prints `rows_written=<n>` per output so the count shows in the job log.
"""

import json
import sys


def split_statements(sql):
    """Split an SQL script at ';' outside quotes and comments (mirrors SqlStatementSplitter.cs)."""
    statements, current, quote, i = [], [], None, 0
    while i < len(sql):
        c = sql[i]
        if quote:
            current.append(c)
            if c == quote:
                quote = None
        elif c in ("'", '"', "`"):
            quote = c
            current.append(c)
        elif c == "-" and sql[i + 1:i + 2] == "-":
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end
            current.append("\n")
        elif c == "/" and sql[i + 1:i + 2] == "*":
            end = sql.find("*/", i + 2)
            i = len(sql) if end < 0 else end + 1
            current.append(" ")
        elif c == ";":
            _flush(current, statements)
            current = []
        else:
            current.append(c)
        i += 1
    _flush(current, statements)
    return statements


def _flush(current, statements):
    statement = "".join(current).strip()
    if statement:
        statements.append(statement)


def _truthy(options, key, default):
    value = (options or {}).get(key)
    return default if value is None else str(value).lower() == "true"


def reader_options(fmt, options):
    """Reader options; CSV header defaults to true and the schema is inferred, as on the local backend."""
    options = dict(options or {})
    if fmt == "csv":
        options["header"] = "true" if _truthy(options, "header", True) else "false"
        options.setdefault("inferSchema", "true")
        if "delimiter" in options:
            options["sep"] = options.pop("delimiter")
    return options


def writer_options(fmt, options):
    options = dict(options or {})
    if fmt == "csv":
        options["header"] = "true" if _truthy(options, "header", True) else "false"
        if "delimiter" in options:
            options["sep"] = options.pop("delimiter")
    return options


def read_text(spark, uri):
    """Read a small text file (the spec) through the cluster's Hadoop file system."""
    return "\n".join(row.value for row in spark.read.text(uri).collect())


def run(spark, spec):
    for item in spec.get("inputs", []):
        fmt = item["format"]
        reader = spark.read.format(fmt).options(**reader_options(fmt, item.get("options")))
        reader.load(item["location"]).createOrReplaceTempView(item["name"])

    statements = split_statements(spec.get("sql") or "")
    outputs = spec.get("outputs", [])
    last_is_query = any(o.get("table") is None for o in outputs)
    leading = statements[:-1] if last_is_query else statements
    for statement in leading:
        spark.sql(statement)
    last = spark.sql(statements[-1]) if last_is_query else None

    total = 0
    for output in outputs:
        frame = last if output.get("table") is None else spark.table(output["table"])
        fmt = output["format"]
        frame.cache()
        rows = frame.count()
        (frame.coalesce(1).write.mode(output.get("mode", "overwrite")).format(fmt)
         .options(**writer_options(fmt, output.get("options"))).save(output["location"]))
        print(f"output {output['name']}: rows_written={rows}")
        total += rows
    print(f"rows_written={total}")
    return total


def main(argv):
    if len(argv) != 2:
        print("usage: sql_runner.py <spec.json URI>", file=sys.stderr)
        return 2
    from pyspark.sql import SparkSession  # imported here so the module compiles and loads without Spark

    spark = SparkSession.builder.getOrCreate()
    spec = json.loads(read_text(spark, argv[1]))
    spark.sparkContext.setJobDescription(spec.get("name", "serverless-sql"))
    run(spark, spec)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
