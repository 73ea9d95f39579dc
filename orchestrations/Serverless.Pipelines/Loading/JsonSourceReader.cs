using System.Text;
using System.Text.Json;

namespace Serverless.Pipelines.Loading;

/// <summary>Parses JSON into <see cref="SourceNode"/>s; lines and columns come from token byte offsets.</summary>
internal static class JsonSourceReader
{
    public static SourceNode? Read(string text, out (int Line, int Column, string Message)? error)
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

        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
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
