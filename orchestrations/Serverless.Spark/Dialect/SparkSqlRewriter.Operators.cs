namespace Serverless.Spark.Dialect;

/// <summary>
/// Turns Spark's infix forms DuckDB lacks into calls over their operands: <c>a DIV b</c> into <c>div(a, b)</c>,
/// <c>a ^ b</c> (bitwise xor; DuckDB's <c>^</c> is a power) into a call to the xor macro, <c>a RLIKE b</c> and
/// <c>a REGEXP b</c> into <c>rlike(a, b)</c> (with <c>NOT</c> kept in front) and <c>a &lt;=&gt; b</c> into
/// <c>equal_null(a, b)</c>. Operands are found by Spark's precedence: an operand extends over operators that bind
/// tighter than the one rewritten.
/// </summary>
internal sealed partial class SparkSqlRewriter
{
    private static readonly string[] Multiplicative = ["*", "/", "%"];
    private static readonly string[] Additive = ["*", "/", "%", "+", "-", "||", "&"];
    private static readonly string[] BelowComparison = ["*", "/", "%", "+", "-", "||", "&", "|"];

    private void RewriteInfixOperators()
    {
        // Left-associative: the left operand spans operators of the same level, the right one only tighter ones.
        this.RewriteInfix(t => t.IsWord("div"), "div", Multiplicative, []);
        this.RewriteInfix(t => t.IsSymbol("^"), "^", Additive, Additive);
        this.RewriteInfix(t => t.IsWord("rlike") || t.IsWord("regexp"), "rlike", BelowComparison, BelowComparison);
        this.RewriteInfix(t => t.IsSymbol("<=>"), "equal_null", BelowComparison, BelowComparison);
    }

    private void RewriteInfix(Func<SqlToken, bool> isOperator, string function, string[] leftOperators, string[] rightOperators)
    {
        for (int i = 1; i < this.tokens.Count; i++)
        {
            if (!isOperator(this.tokens[i]) || (this.tokens[i].Kind == SqlTokenKind.Word && i + 1 < this.tokens.Count && this.tokens[i + 1].IsSymbol("(")))
            {
                continue;
            }

            SqlToken op = this.tokens[i];
            bool negated = this.tokens[i - 1].IsWord("not") && function == "rlike";
            int leftEnd = negated ? i - 1 : i;
            int left = this.OperandStart(leftEnd - 1, leftOperators);
            int right = this.OperandEnd(i + 1, rightOperators);
            if (left < 0 || right <= i + 1)
            {
                this.Problem(op, op.Text, $"the operator {op.Text.ToUpperInvariant()} is missing an operand.");
                continue;
            }

            SqlToken first = this.tokens[left];
            var call = new List<SqlToken>();
            if (negated)
            {
                call.Add(new SqlToken(SqlTokenKind.Word, "NOT", op.Line, first.Leading));
            }

            call.Add(new SqlToken(SqlTokenKind.Word, function, op.Line, negated ? " " : first.Leading));
            call.Add(new SqlToken(SqlTokenKind.Symbol, "(", op.Line, string.Empty));
            call.Add(first with { Leading = string.Empty });
            call.AddRange(this.tokens.Skip(left + 1).Take(leftEnd - left - 1));
            call.Add(new SqlToken(SqlTokenKind.Symbol, ",", op.Line, string.Empty));
            call.AddRange(this.tokens.Skip(i + 1).Take(right - i - 1));
            call.Add(new SqlToken(SqlTokenKind.Symbol, ")", op.Line, string.Empty));
            this.tokens.RemoveRange(left, right - left);
            this.tokens.InsertRange(left, call);
            i = left;
        }
    }

    private bool IsOperand(int i) =>
        i >= 0 && (IsValue(this.tokens[i]) || this.tokens[i].IsSymbol(")") || this.tokens[i].IsSymbol("]") || this.tokens[i].IsWord("end"));

    /// <summary>Finds where the operand ending at <paramref name="last"/> starts; -1 when there is none.</summary>
    private int OperandStart(int last, string[] tighter)
    {
        int start = this.PrimaryStart(last);
        while (start > 1 && tighter.Any(this.tokens[start - 1].IsSymbol) && this.IsOperand(start - 2))
        {
            start = this.PrimaryStart(start - 2);
        }

        // A unary sign belongs to the operand.
        if (start > 0 && (this.tokens[start - 1].IsSymbol("-") || this.tokens[start - 1].IsSymbol("+") || this.tokens[start - 1].IsSymbol("~")) && !this.IsOperand(start - 2))
        {
            start--;
        }

        return start;
    }

    private int PrimaryStart(int last)
    {
        if (last < 0 || !this.IsOperand(last))
        {
            return -1;
        }

        int start = last;
        SqlToken t = this.tokens[last];
        if (t.IsSymbol(")") || t.IsSymbol("]"))
        {
            string open = t.Text == ")" ? "(" : "[";
            int depth = 0;
            for (int k = last; k >= 0; k--)
            {
                depth += this.tokens[k].IsSymbol(t.Text) ? 1 : this.tokens[k].IsSymbol(open) ? -1 : 0;
                if (depth == 0)
                {
                    start = k;
                    break;
                }
            }

            // A call or a subscript: the name or the subscripted value belongs to the operand.
            if (start > 0 && (this.tokens[start - 1].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier && !Keywords.Contains(this.tokens[start - 1].Text) || SparkFunctionCatalog.Find(this.tokens[start - 1].Text) is not null || this.tokens[start - 1].IsWord("cast")))
            {
                start = this.PrimaryStart(start - 1);
            }
            else if (open == "[" && start > 0 && this.IsOperand(start - 1))
            {
                start = this.PrimaryStart(start - 1);
            }
        }
        else if (t.IsWord("end"))
        {
            int depth = 0;
            for (int k = last; k >= 0; k--)
            {
                depth += this.tokens[k].IsWord("end") ? 1 : this.tokens[k].IsWord("case") ? -1 : 0;
                if (depth == 0)
                {
                    return k;
                }
            }
        }
        else if (t.Kind == SqlTokenKind.String && start > 0 && this.tokens[start - 1].Kind == SqlTokenKind.Word && this.tokens[start - 1].Text.ToUpperInvariant() is "DATE" or "TIMESTAMP" or "X")
        {
            start--;
        }

        // Qualified names: t.col, db.t.col.
        while (start > 1 && this.tokens[start - 1].IsSymbol(".") && this.tokens[start - 2].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
        {
            start -= 2;
        }

        return start;
    }

    /// <summary>Finds the index after the operand starting at <paramref name="first"/>.</summary>
    private int OperandEnd(int first, string[] tighter)
    {
        int end = this.PrimaryEnd(first);
        while (end < this.tokens.Count - 1 && tighter.Any(this.tokens[end].IsSymbol))
        {
            end = this.PrimaryEnd(end + 1);
        }

        return end;
    }

    private int PrimaryEnd(int first)
    {
        int i = first;
        while (i < this.tokens.Count && (this.tokens[i].IsSymbol("-") || this.tokens[i].IsSymbol("+") || this.tokens[i].IsSymbol("~")))
        {
            i++;
        }

        if (i >= this.tokens.Count)
        {
            return first;
        }

        SqlToken t = this.tokens[i];
        int end;
        if (t.IsWord("case"))
        {
            int depth = 0;
            end = this.tokens.Count;
            for (int k = i; k < this.tokens.Count; k++)
            {
                depth += this.tokens[k].IsWord("case") ? 1 : this.tokens[k].IsWord("end") ? -1 : 0;
                if (depth == 0)
                {
                    end = k + 1;
                    break;
                }
            }
        }
        else if (t.IsSymbol("("))
        {
            end = this.Close(i) + 1;
        }
        else if (t.Kind == SqlTokenKind.Word && i + 1 < this.tokens.Count && this.tokens[i + 1].IsSymbol("("))
        {
            end = this.Close(i + 1) + 1;
        }
        else if (t.Kind == SqlTokenKind.Word && t.Text.ToUpperInvariant() is "DATE" or "TIMESTAMP" or "X" && i + 1 < this.tokens.Count && this.tokens[i + 1].Kind == SqlTokenKind.String)
        {
            end = i + 2;
        }
        else if (IsValue(t))
        {
            end = i + 1;
        }
        else
        {
            return first;
        }

        // Qualified names, field access and subscripts.
        while (end < this.tokens.Count)
        {
            if (this.tokens[end].IsSymbol(".") && end + 1 < this.tokens.Count)
            {
                end += 2;
            }
            else if (this.tokens[end].IsSymbol("["))
            {
                end = this.Close(end) + 1;
            }
            else
            {
                break;
            }
        }

        return end;
    }
}
