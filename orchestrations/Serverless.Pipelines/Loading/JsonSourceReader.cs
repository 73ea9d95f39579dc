using System.Text;
using System.Text.Json;

namespace Serverless.Pipelines.Loading;

/// <summary>Parses JSON into <see cref="SourceNode"/>s; lines and columns come from token byte offsets.</summary>
internal static class JsonSourceReader
{
    public static SourceNode? Read(string text, out (int Line, int Column, string Message)? error) =>
        Read(text, DagDocumentLimits.ParseTimeBudget, out error);

    /// <summary>Reads JSON under a given time budget; tests use a zero budget to see the budget refuse.</summary>
    public static SourceNode? Read(string text, TimeSpan timeBudget, out (int Line, int Column, string Message)? error)
    {
        error = null;
        var bytes = Encoding.UTF8.GetBytes(text);
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        // One level more than the limit, so the scan below sees the offending token and names the limit itself.
        var reader = new Utf8JsonReader(
            bytes,
            new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = DagDocumentLimits.MaxDepth + 1 });
        try
        {
            // The limits are checked on a copy of the reader (a struct: an independent cursor) before ReadValue,
            // which recurses per level, sees the document.
            var scan = reader;
            if (Scan(ref scan, timeBudget) is { } refused)
            {
                var (line, column) = Position(refused.Offset, lineStarts);
                error = (line, column, refused.Message);
                return null;
            }

            if (!reader.Read())
            {
                error = (1, 1, "the file is empty");
                return null;
            }

            return ReadValue(ref reader, lineStarts);
        }
        catch (JsonException ex)
        {
            error = ((int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, "JSON syntax error: " + ex.Message);
            return null;
        }
    }

    private static (long Offset, string Message)? Scan(ref Utf8JsonReader reader, TimeSpan timeBudget)
    {
        var budget = new DagDocumentBudget(timeBudget);
        var afterTasksKey = false;
        var inTasks = false;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                // The root's tasks array ends at the depth it started at, one inside the root object.
                inTasks &= !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == 1);
                continue;
            }

            // Items of the root's "tasks" array are two containers deep; they are counted before they cost anything.
            if (inTasks && reader.CurrentDepth == 2 && reader.TokenType != JsonTokenType.PropertyName && budget.CountTask() is { } tooMany)
            {
                return (reader.TokenStartIndex, tooMany);
            }

            inTasks |= afterTasksKey && reader.TokenType == JsonTokenType.StartArray;
            afterTasksKey = reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("tasks"u8);

            // CurrentDepth counts the containers around a token, so the token's own level is one more.
            var problem = (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? DagDocumentBudget.Depth(reader.CurrentDepth + 1) : null)
                ?? budget.Spend(1);
            if (problem is not null)
            {
                return (reader.TokenStartIndex, problem);
            }
        }

        return null;
    }

    private static SourceNode ReadValue(ref Utf8JsonReader reader, List<int> lineStarts)
    {
        var (line, column) = Position(reader.TokenStartIndex, lineStarts);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = new List<KeyValuePair<SourceScalar, SourceNode>>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var (keyLine, keyColumn) = Position(reader.TokenStartIndex, lineStarts);
                    var key = new SourceScalar(reader.GetString(), ScalarKind.String, keyLine, keyColumn);
                    reader.Read();
                    entries.Add(new(key, ReadValue(ref reader, lineStarts)));
                }

                return new SourceMapping(entries, line, column);
            case JsonTokenType.StartArray:
                var items = new List<SourceNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, lineStarts));
                }

                return new SourceSequence(items, line, column);
            case JsonTokenType.String:
                return new SourceScalar(reader.GetString(), ScalarKind.String, line, column);
            case JsonTokenType.Number:
                return new SourceScalar(Encoding.UTF8.GetString(reader.ValueSpan), ScalarKind.Number, line, column);
            case JsonTokenType.True:
                return new SourceScalar("true", ScalarKind.Boolean, line, column);
            case JsonTokenType.False:
                return new SourceScalar("false", ScalarKind.Boolean, line, column);
            default:
                return new SourceScalar(null, ScalarKind.Null, line, column);
        }
    }

    private static (int Line, int Column) Position(long offset, List<int> lineStarts)
    {
        var index = lineStarts.BinarySearch((int)offset);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return (index + 1, (int)offset - lineStarts[index] + 1);
    }
}
