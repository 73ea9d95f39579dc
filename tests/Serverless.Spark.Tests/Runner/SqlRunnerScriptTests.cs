using System.Diagnostics;
using System.Text.Json;
using Serverless.Spark.Backends.Local;

namespace Serverless.Spark.Tests.Runner;

public sealed class SqlRunnerScriptTests
{
    private static string Script => Path.Combine(AppContext.BaseDirectory, "sql_runner.py");

    [Fact]
    public void PyCompile_RunnerScript_Compiles()
    {
        (int exit, string output) = Python("-m", "py_compile", Script);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public void SplitStatements_SameScript_SplitsLikeTheLocalBackend()
    {
        const string sql = "CREATE VIEW a AS SELECT ';' AS x, \"b;c\" AS y; -- comment; here\nSELECT * FROM a /* ; */ WHERE x = 'it''s;'; ;";
        string code = $"import json,sys; sys.path.insert(0, {JsonSerializer.Serialize(AppContext.BaseDirectory)}); import sql_runner; print(json.dumps(sql_runner.split_statements(sys.stdin.read())))";

        (int exit, string output) = Python(["-c", code], sql);

        Assert.True(exit == 0, output);
        Assert.Equal(SqlStatementSplitter.Split(sql), JsonSerializer.Deserialize<string[]>(output));
    }

    private static (int Exit, string Output) Python(params string[] args) => Python(args, null);

    private static (int Exit, string Output) Python(string[] args, string? stdin)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        process.StandardInput.Write(stdin ?? string.Empty);
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "python3 did not finish");
        return (process.ExitCode, output);
    }
}
