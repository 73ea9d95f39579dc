namespace Serverless.Spark.Dialect;

/// <summary>
/// The Spark built-in functions the local dialect supports, each once: its arity and how it runs on DuckDB (a DuckDB
/// function with the same meaning, a <c>spark_*</c> macro, a template, or a rewrite). A function missing here is
/// refused by <see cref="SparkSqlDialect.Check"/> with its name and line.
/// </summary>
/// <remarks>
/// Macros take Spark's argument order and null behaviour; values Spark accepts as strings (dates, timestamps) go
/// through <c>spark_as_date</c>/<c>spark_as_ts</c>, which turn an unparsable string into NULL as Spark does.
/// </remarks>
internal static class SparkFunctionCatalog
{
    private const int Many = int.MaxValue;

    /// <summary>Gets the helper macros other macros call; created first.</summary>
    public static IReadOnlyList<string> HelperMacros { get; } =
    [
        "CREATE OR REPLACE TEMP MACRO spark_as_ts(x) AS TRY_CAST(x AS TIMESTAMP)",
        "CREATE OR REPLACE TEMP MACRO spark_as_date(x) AS CAST(TRY_CAST(x AS TIMESTAMP) AS DATE)",
        "CREATE OR REPLACE TEMP MACRO spark_array_distinct(a) AS list_filter(a, lambda x, i: CASE WHEN x IS NULL THEN i = list_position(list_transform(a, lambda y: y IS NULL), true) ELSE NOT coalesce(list_contains(list_slice(a, 1, i - 1), x), false) END)",
        "CREATE OR REPLACE TEMP MACRO spark_dow_number(d) AS CASE upper(left(d, 2)) WHEN 'MO' THEN 1 WHEN 'TU' THEN 2 WHEN 'WE' THEN 3 WHEN 'TH' THEN 4 WHEN 'FR' THEN 5 WHEN 'SA' THEN 6 WHEN 'SU' THEN 7 END",
        "CREATE OR REPLACE TEMP MACRO spark_unix_seconds(x, f) AS CAST(floor(CASE WHEN typeof(x) IN ('DATE', 'TIMESTAMP', 'TIMESTAMP_NS', 'TIMESTAMP_MS', 'TIMESTAMP_S') THEN epoch(CAST(TRY_CAST(x AS TIMESTAMP) AS TIMESTAMPTZ)) WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE' THEN epoch(TRY_CAST(x AS TIMESTAMPTZ)) ELSE epoch(CAST(try_strptime(CAST(x AS VARCHAR), f) AS TIMESTAMPTZ)) END) AS BIGINT)",
        "CREATE OR REPLACE TEMP MACRO spark_months(t1, t2) AS (year(t1) - year(t2)) * 12 + month(t1) - month(t2)",
        "CREATE OR REPLACE TEMP MACRO spark_day_seconds(t) AS epoch(t) - epoch(CAST(CAST(t AS DATE) AS TIMESTAMP))",
        "CREATE OR REPLACE TEMP MACRO spark_months_between_ts(t1, t2) AS CASE WHEN day(t1) = day(t2) OR (CAST(t1 AS DATE) = last_day(t1) AND CAST(t2 AS DATE) = last_day(t2)) THEN CAST(spark_months(t1, t2) AS DOUBLE) ELSE spark_months(t1, t2) + ((day(t1) - day(t2)) * 86400 + spark_day_seconds(t1) - spark_day_seconds(t2)) / 2678400.0 END",
    ];

    /// <summary>Gets the functions by lower-case Spark name.</summary>
    public static IReadOnlyDictionary<string, SparkFunction> Functions { get; } = Build();

    /// <summary>Gets the function called <paramref name="name"/>, or null.</summary>
    /// <param name="name">The name as written.</param>
    /// <returns>The function or null.</returns>
    public static SparkFunction? Find(string name) => Functions.TryGetValue(name.ToLowerInvariant(), out SparkFunction? f) ? f : null;

    /// <summary>Gets every <c>CREATE MACRO</c> statement, helpers first.</summary>
    /// <returns>The statements.</returns>
    public static IEnumerable<string> MacroStatements() =>
        HelperMacros.Concat(Functions.Values.Select(f => f.CreateStatement).OfType<string>().Distinct(StringComparer.Ordinal));

    private static Dictionary<string, SparkFunction> Build()
    {
        var all = new Dictionary<string, SparkFunction>(StringComparer.Ordinal);
        void N(string name, int min, int max, string? target = null) => all.Add(name, new SparkFunction(name, min, max, SparkFunctionKind.Native, target ?? name));
        void M(string name, int min, int max, string body, string? target = null) => all.Add(name, new SparkFunction(name, min, max, SparkFunctionKind.Macro, target ?? "spark_" + name, body));
        void T(string name, int min, int max, string template) => all.Add(name, new SparkFunction(name, min, max, SparkFunctionKind.Template, template));
        void R(string name, int min, int max) => all.Add(name, new SparkFunction(name, min, max, SparkFunctionKind.Rewrite, name));

        // Conditional and null handling.
        N("coalesce", 1, Many);
        N("if", 3, 3);
        N("ifnull", 2, 2);
        N("nullif", 2, 2);
        N("nvl", 2, 2, "coalesce");
        M("nvl2", 3, 3, "(a, b, c) AS CASE WHEN a IS NOT NULL THEN b ELSE c END");
        M("isnull", 1, 1, "(x) AS (x IS NULL)");
        M("isnotnull", 1, 1, "(x) AS (x IS NOT NULL)");
        M("equal_null", 2, 2, "(a, b) AS (a IS NOT DISTINCT FROM b)");
        N("isnan", 1, 1);
        M("nanvl", 2, 2, "(a, b) AS CASE WHEN isnan(a) THEN b ELSE a END");
        N("greatest", 1, Many);
        N("least", 1, Many);
        M("zeroifnull", 1, 1, "(x) AS coalesce(x, 0)");
        M("nullifzero", 1, 1, "(x) AS nullif(x, 0)");

        // Strings.
        M("ascii", 1, 1, "(s) AS ascii(CAST(s AS VARCHAR))");
        M("base64", 1, 1, "(x) AS to_base64(CAST(x AS BLOB))");
        N("bit_length", 1, 1);
        N("char_length", 1, 1, "length");
        N("character_length", 1, 1, "length");
        M("chr", 1, 1, "(n) AS CASE WHEN n < 0 THEN '' ELSE chr(CAST(n % 256 AS INTEGER)) END");
        M("char", 1, 1, "(n) AS CASE WHEN n < 0 THEN '' ELSE chr(CAST(n % 256 AS INTEGER)) END", "spark_chr");
        R("concat", 1, Many);
        N("concat_ws", 1, Many);
        M("contains", 2, 2, "(a, b) AS contains(CAST(a AS VARCHAR), CAST(b AS VARCHAR))");
        R("elt", 2, Many);
        N("endswith", 2, 2, "ends_with");
        N("startswith", 2, 2, "starts_with");
        M("find_in_set", 2, 2, "(s, l) AS CASE WHEN contains(s, ',') THEN 0 ELSE coalesce(list_position(string_split(l, ','), s), 0) END");
        M("format_number", 2, 2, "(x, d) AS format('{:,.' || CAST(d AS VARCHAR) || 'f}', x)");
        N("format_string", 1, Many, "printf");
        N("printf", 1, Many, "printf");
        M("initcap", 1, 1, "(s) AS array_to_string(list_transform(string_split(lower(s), ' '), lambda w: upper(w[1]) || w[2:]), ' ')");
        N("instr", 2, 2);
        M("locate", 2, 3, "(s, str) AS instr(str, s), (s, str, p) AS CASE WHEN p < 1 OR instr(substring(str, p), s) = 0 THEN 0 ELSE instr(substring(str, p), s) + p - 1 END");
        R("position", 1, 3);
        N("lcase", 1, 1, "lower");
        N("lower", 1, 1);
        N("ucase", 1, 1, "upper");
        N("upper", 1, 1);
        N("left", 2, 2);
        N("right", 2, 2);
        N("length", 1, 1);
        N("len", 1, 1, "length");
        N("levenshtein", 2, 2);
        M("lpad", 2, 3, "(s, n) AS lpad(s, n, ' '), (s, n, p) AS lpad(s, n, p)");
        M("rpad", 2, 3, "(s, n) AS rpad(s, n, ' '), (s, n, p) AS rpad(s, n, p)");
        R("trim", 1, 1);
        N("ltrim", 1, 1);
        N("rtrim", 1, 1);
        M("octet_length", 1, 1, "(s) AS strlen(s)");
        M("regexp_extract", 2, 3, "(s, r) AS regexp_extract(s, r, 1), (s, r, i) AS regexp_extract(s, r, i)");
        M("regexp_extract_all", 2, 3, "(s, r) AS regexp_extract_all(s, r, 1), (s, r, i) AS regexp_extract_all(s, r, i)");
        R("regexp_replace", 3, 3);
        M("rlike", 2, 2, "(s, r) AS regexp_matches(s, r)");
        M("regexp", 2, 2, "(s, r) AS regexp_matches(s, r)", "spark_rlike");
        M("regexp_like", 2, 2, "(s, r) AS regexp_matches(s, r)", "spark_rlike");
        N("repeat", 2, 2);
        N("reverse", 1, 1);
        M("replace", 2, 3, "(s, a) AS replace(s, a, ''), (s, a, b) AS replace(s, a, b)");
        M("space", 1, 1, "(n) AS repeat(' ', CAST(greatest(n, 0) AS BIGINT))");
        M("split", 2, 2, "(s, r) AS string_split_regex(s, r)");
        N("split_part", 3, 3);
        M("substring", 2, 3, "(s, p) AS substring(s, CASE WHEN p = 0 THEN 1 ELSE p END), (s, p, n) AS substring(s, CASE WHEN p = 0 THEN 1 ELSE p END, n)");
        M("substr", 2, 3, "(s, p) AS substring(s, CASE WHEN p = 0 THEN 1 ELSE p END), (s, p, n) AS substring(s, CASE WHEN p = 0 THEN 1 ELSE p END, n)", "spark_substring");
        M("substring_index", 3, 3, "(s, d, c) AS CASE WHEN c = 0 OR d = '' THEN '' WHEN c > 0 THEN array_to_string(string_split(s, d)[1:c], d) ELSE array_to_string(string_split(s, d)[c:], d) END");
        N("translate", 3, 3);
        N("md5", 1, 1);
        N("sha1", 1, 1);
        N("sha", 1, 1, "sha1");
        M("sha2", 2, 2, "(s, b) AS CASE WHEN b IN (0, 256) THEN sha256(s) ELSE error('sha2: only bit lengths 0 and 256 are supported by the local dialect') END");
        N("hex", 1, 1);
        N("uuid", 0, 0);

        // Math.
        N("abs", 1, 1);
        foreach (string f in new[] { "acos", "asin", "atan", "cos", "sin", "tan", "cot", "degrees", "radians", "exp", "sqrt", "log10", "log2", "ln" })
        {
            N(f, 1, 1);
        }

        N("atan2", 2, 2);

        // Java's Math.cbrt is exact for perfect cubes; DuckDB's is not (3.0000000000000004 for 27).
        M("cbrt", 1, 1, "(x) AS CASE WHEN pow(round(cbrt(x)), 3) = x THEN CAST(round(cbrt(x)) AS DOUBLE) ELSE cbrt(x) END");
        N("pi", 0, 0);
        N("bin", 1, 1);
        M("ceil", 1, 1, "(x) AS CAST(ceil(x) AS BIGINT)");
        M("ceiling", 1, 1, "(x) AS CAST(ceil(x) AS BIGINT)", "spark_ceil");
        M("floor", 1, 1, "(x) AS CAST(floor(x) AS BIGINT)");
        M("e", 0, 0, "() AS exp(1)");
        M("expm1", 1, 1, "(x) AS exp(x) - 1");
        M("log1p", 1, 1, "(x) AS ln(1 + x)");
        M("log", 1, 2, "(x) AS ln(x), (b, x) AS ln(x) / ln(b)");
        M("factorial", 1, 1, "(n) AS CASE WHEN n BETWEEN 0 AND 20 THEN CAST(factorial(CAST(n AS INTEGER)) AS BIGINT) END");
        M("hypot", 2, 2, "(a, b) AS sqrt(CAST(a AS DOUBLE) * a + CAST(b AS DOUBLE) * b)");
        N("mod", 2, 2);
        M("pmod", 2, 2, "(a, b) AS ((a % b) + b) % b");
        M("negative", 1, 1, "(x) AS -(x)");
        M("positive", 1, 1, "(x) AS (x)");
        M("pow", 2, 2, "(a, b) AS pow(CAST(a AS DOUBLE), b)");
        M("power", 2, 2, "(a, b) AS pow(CAST(a AS DOUBLE), b)", "spark_pow");
        M("rint", 1, 1, "(x) AS round_even(CAST(x AS DOUBLE), 0)");
        N("round", 1, 2);
        M("shiftleft", 2, 2, "(a, b) AS (a << b)");
        M("shiftright", 2, 2, "(a, b) AS (a >> b)");
        M("sign", 1, 1, "(x) AS CAST(sign(x) AS DOUBLE)");
        M("signum", 1, 1, "(x) AS CAST(sign(x) AS DOUBLE)", "spark_sign");
        M("div", 2, 2, "(a, b) AS CASE WHEN typeof(a) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT') AND typeof(b) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT') THEN CAST(a // b AS BIGINT) ELSE CAST(trunc(a / b) AS BIGINT) END");
        M("try_divide", 2, 2, "(a, b) AS a / b");
        N("bit_count", 1, 1);
        // The ^ operator (bitwise xor) becomes this call; "^" is no name a user can write, so it is not a function.
        M("^", 2, 2, "(a, b) AS xor(a, b)", "spark_bitwise_xor");
        M("rand", 0, 0, "() AS random()");
        M("random", 0, 0, "() AS random()", "spark_rand");

        // Dates and timestamps; strings are parsed as Spark casts them.
        M("add_months", 2, 2, "(d, n) AS CAST(spark_as_date(d) + to_months(CAST(n AS INTEGER)) AS DATE)");
        T("current_date", 0, 0, "current_date");
        T("current_timestamp", 0, 0, "CAST(current_timestamp AS TIMESTAMP)");
        T("now", 0, 0, "CAST(current_timestamp AS TIMESTAMP)");
        T("current_timezone", 0, 0, "current_setting('TimeZone')");
        M("date_add", 2, 2, "(d, n) AS CAST(spark_as_date(d) + CAST(n AS INTEGER) AS DATE)");
        M("dateadd", 2, 2, "(d, n) AS CAST(spark_as_date(d) + CAST(n AS INTEGER) AS DATE)", "spark_date_add");
        M("date_sub", 2, 2, "(d, n) AS CAST(spark_as_date(d) - CAST(n AS INTEGER) AS DATE)");
        M("datediff", 2, 2, "(e, s) AS CAST(spark_as_date(e) - spark_as_date(s) AS INTEGER)");
        M("date_diff", 2, 2, "(e, s) AS CAST(spark_as_date(e) - spark_as_date(s) AS INTEGER)", "spark_datediff");
        R("date_format", 2, 2);
        M("date_from_unix_date", 1, 1, "(n) AS CAST(DATE '1970-01-01' + CAST(n AS INTEGER) AS DATE)");
        M("date_trunc", 2, 2, "(f, t) AS date_trunc(CASE upper(f) WHEN 'YYYY' THEN 'year' WHEN 'YY' THEN 'year' WHEN 'MM' THEN 'month' WHEN 'MON' THEN 'month' WHEN 'DD' THEN 'day' ELSE lower(f) END, spark_as_ts(t))");
        M("trunc", 2, 2, "(d, f) AS CAST(date_trunc(CASE upper(f) WHEN 'YEAR' THEN 'year' WHEN 'YYYY' THEN 'year' WHEN 'YY' THEN 'year' WHEN 'QUARTER' THEN 'quarter' WHEN 'MONTH' THEN 'month' WHEN 'MM' THEN 'month' WHEN 'MON' THEN 'month' WHEN 'WEEK' THEN 'week' END, spark_as_date(d)) AS DATE)");
        // Spark's field functions return INT; DuckDB's return BIGINT.
        M("year", 1, 1, "(d) AS CAST(year(spark_as_ts(d)) AS INTEGER)");
        M("quarter", 1, 1, "(d) AS CAST(quarter(spark_as_ts(d)) AS INTEGER)");
        M("month", 1, 1, "(d) AS CAST(month(spark_as_ts(d)) AS INTEGER)");
        M("day", 1, 1, "(d) AS CAST(day(spark_as_ts(d)) AS INTEGER)");
        M("dayofmonth", 1, 1, "(d) AS CAST(day(spark_as_ts(d)) AS INTEGER)", "spark_day");
        M("dayofweek", 1, 1, "(d) AS CAST(dayofweek(spark_as_ts(d)) + 1 AS INTEGER)");
        M("weekday", 1, 1, "(d) AS CAST(isodow(spark_as_ts(d)) - 1 AS INTEGER)");
        M("dayofyear", 1, 1, "(d) AS CAST(dayofyear(spark_as_ts(d)) AS INTEGER)");
        M("weekofyear", 1, 1, "(d) AS CAST(weekofyear(spark_as_ts(d)) AS INTEGER)");
        M("hour", 1, 1, "(t) AS CAST(hour(spark_as_ts(t)) AS INTEGER)");
        M("minute", 1, 1, "(t) AS CAST(minute(spark_as_ts(t)) AS INTEGER)");
        M("second", 1, 1, "(t) AS CAST(second(spark_as_ts(t)) AS INTEGER)");
        R("from_unixtime", 1, 2);
        M("from_utc_timestamp", 2, 2, "(t, z) AS timezone(z, timezone('UTC', spark_as_ts(t)))");
        M("to_utc_timestamp", 2, 2, "(t, z) AS timezone('UTC', timezone(z, spark_as_ts(t)))");
        M("last_day", 1, 1, "(d) AS last_day(spark_as_date(d))");
        M("make_date", 3, 3, "(y, m, d) AS try(make_date(CAST(y AS BIGINT), CAST(m AS BIGINT), CAST(d AS BIGINT)))");
        M("make_timestamp", 6, 6, "(y, mo, d, h, mi, s) AS try(make_timestamp(CAST(y AS BIGINT), CAST(mo AS BIGINT), CAST(d AS BIGINT), CAST(h AS BIGINT), CAST(mi AS BIGINT), CAST(s AS DOUBLE)))");
        M("months_between", 2, 3, "(a, b) AS round(spark_months_between_ts(spark_as_ts(a), spark_as_ts(b)), 8), (a, b, r) AS CASE WHEN r THEN round(spark_months_between_ts(spark_as_ts(a), spark_as_ts(b)), 8) ELSE spark_months_between_ts(spark_as_ts(a), spark_as_ts(b)) END");
        M("next_day", 2, 2, "(d, w) AS CAST(spark_as_date(d) + CAST(((spark_dow_number(w) - isodow(spark_as_date(d)) + 6) % 7) + 1 AS INTEGER) AS DATE)");
        R("to_date", 1, 2);
        R("to_timestamp", 1, 2);
        R("unix_timestamp", 0, 2);
        R("to_unix_timestamp", 1, 2);
        M("unix_date", 1, 1, "(d) AS CAST(spark_as_date(d) - DATE '1970-01-01' AS INTEGER)");
        M("timestamp_seconds", 1, 1, "(n) AS CAST(to_timestamp(CAST(n AS DOUBLE)) AS TIMESTAMP)");
        M("timestamp_millis", 1, 1, "(n) AS CAST(to_timestamp(n / 1000.0) AS TIMESTAMP)");

        // Arrays, maps and structs.
        R("array", 0, Many);
        R("map", 0, Many);
        R("struct", 1, Many);
        R("named_struct", 2, Many);
        N("array_contains", 2, 2, "list_contains");
        N("array_distinct", 1, 1, "spark_array_distinct");
        M("array_union", 2, 2, "(a, b) AS spark_array_distinct(list_concat(a, b))");
        M("array_intersect", 2, 2, "(a, b) AS spark_array_distinct(list_filter(a, lambda x: list_contains(b, x)))");
        M("array_except", 2, 2, "(a, b) AS spark_array_distinct(list_filter(a, lambda x: NOT list_contains(b, x)))");
        M("array_join", 2, 3, "(a, d) AS array_to_string(a, d), (a, d, r) AS array_to_string(list_transform(a, lambda x: coalesce(CAST(x AS VARCHAR), r)), d)");
        N("array_max", 1, 1, "list_max");
        N("array_min", 1, 1, "list_min");
        M("array_position", 2, 2, "(a, v) AS CAST(coalesce(list_position(a, v), 0) AS BIGINT)");
        M("array_remove", 2, 2, "(a, v) AS list_filter(a, lambda x: x IS DISTINCT FROM v)");
        M("array_repeat", 2, 2, "(e, n) AS list_transform(range(CAST(greatest(n, 0) AS BIGINT)), lambda i: e)");
        N("array_size", 1, 1, "len");
        // One macro for arrays and maps: only to_json binds for both, and only the branch of the argument's type runs.
        M("size", 1, 1, "(a) AS CAST(CASE WHEN a IS NULL THEN -1 WHEN typeof(a) LIKE 'MAP(%' THEN len(json_keys(to_json(a))) ELSE json_array_length(to_json(a)) END AS INTEGER)");
        M("cardinality", 1, 1, "(a) AS CAST(CASE WHEN a IS NULL THEN -1 WHEN typeof(a) LIKE 'MAP(%' THEN len(json_keys(to_json(a))) ELSE json_array_length(to_json(a)) END AS INTEGER)", "spark_size");
        N("array_append", 2, 2, "list_append");
        M("array_prepend", 2, 2, "(a, e) AS list_prepend(e, a)");
        M("array_compact", 1, 1, "(a) AS list_filter(a, lambda x: x IS NOT NULL)");
        N("arrays_overlap", 2, 2, "list_has_any");
        T("element_at", 2, 2, "({0})[{1}]");
        T("exists", 2, 2, "(len(list_filter({0}, {1})) > 0)");
        T("forall", 2, 2, "(len(list_filter({0}, {1})) = len({0}))");
        N("filter", 2, 2, "list_filter");
        N("transform", 2, 2, "list_transform");
        T("aggregate", 3, 3, "list_reduce({0}, {2}, {1})");
        T("reduce", 3, 3, "list_reduce({0}, {2}, {1})");
        N("flatten", 1, 1);
        N("map_from_arrays", 2, 2, "map");
        N("map_keys", 1, 1);
        N("map_values", 1, 1);
        N("map_concat", 1, Many);
        N("map_contains_key", 2, 2, "map_contains");
        N("map_entries", 1, 1);
        M("sequence", 2, 2, "(a, b) AS generate_series(a, b, CASE WHEN a <= b THEN 1 ELSE -1 END)");
        M("slice", 3, 3, "(a, s, n) AS CASE WHEN s > 0 THEN list_slice(a, s, s + n - 1) ELSE list_slice(a, len(a) + s + 1, len(a) + s + n) END");
        M("sort_array", 1, 2, "(a) AS list_sort(a, 'ASC', 'NULLS FIRST'), (a, up) AS CASE WHEN up THEN list_sort(a, 'ASC', 'NULLS FIRST') ELSE list_sort(a, 'DESC', 'NULLS LAST') END");
        M("array_sort", 1, 1, "(a) AS list_sort(a, 'ASC', 'NULLS LAST')");
        N("explode", 1, 1, "unnest");
        N("explode_outer", 1, 1, "unnest");
        M("get_json_object", 2, 2, "(j, p) AS json_extract_string(j, p)");
        N("json_array_length", 1, 1);
        M("json_object_keys", 1, 1, "(j) AS json_keys(j)");

        // Aggregates.
        N("avg", 1, 1);
        N("mean", 1, 1, "avg");
        R("count", 0, Many);
        N("sum", 1, 1);
        N("min", 1, 1);
        N("max", 1, 1);
        N("first", 1, 1);
        N("first_value", 1, 1);
        N("last", 1, 1);
        N("last_value", 1, 1);
        N("any_value", 1, 1);
        M("collect_list", 1, 1, "(x) AS coalesce(list(x) FILTER (WHERE x IS NOT NULL), [])");
        M("array_agg", 1, 1, "(x) AS coalesce(list(x) FILTER (WHERE x IS NOT NULL), [])", "spark_collect_list");
        M("collect_set", 1, 1, "(x) AS coalesce(list_sort(list(DISTINCT x) FILTER (WHERE x IS NOT NULL)), [])");
        N("percentile", 2, 2, "quantile_cont");
        M("percentile_approx", 2, 3, "(x, p) AS quantile_disc(x, p), (x, p, a) AS quantile_disc(x, p)");
        M("approx_percentile", 2, 3, "(x, p) AS quantile_disc(x, p), (x, p, a) AS quantile_disc(x, p)", "spark_percentile_approx");
        N("median", 1, 1);
        N("stddev", 1, 1, "stddev_samp");
        N("std", 1, 1, "stddev_samp");
        N("stddev_samp", 1, 1);
        N("stddev_pop", 1, 1);
        N("variance", 1, 1, "var_samp");
        N("var_samp", 1, 1);
        N("var_pop", 1, 1);
        M("corr", 2, 2, "(a, b) AS regr_sxy(b, a) / sqrt(regr_sxx(b, a) * regr_syy(b, a))");
        N("covar_pop", 2, 2);
        N("covar_samp", 2, 2);
        N("bool_and", 1, 1);
        N("bool_or", 1, 1);
        N("every", 1, 1, "bool_and");
        N("some", 1, 1, "bool_or");
        N("any", 1, 1, "bool_or");
        N("count_if", 1, 1);
        N("max_by", 2, 2, "arg_max");
        N("min_by", 2, 2, "arg_min");
        N("approx_count_distinct", 1, 1);
        N("bit_and", 1, 1);
        N("bit_or", 1, 1);
        N("bit_xor", 1, 1);

        // Window functions.
        foreach (string f in new[] { "row_number", "rank", "dense_rank", "percent_rank", "cume_dist" })
        {
            N(f, 0, 0);
        }

        N("ntile", 1, 1);
        N("lag", 1, 3);
        N("lead", 1, 3);
        N("nth_value", 2, 2);

        // Casts written as functions.
        foreach (string f in new[] { "string", "int", "bigint", "smallint", "tinyint", "double", "float", "boolean", "date", "timestamp", "decimal", "binary" })
        {
            R(f, 1, 1);
        }

        R("extract", 1, 1);
        return all;
    }
}
