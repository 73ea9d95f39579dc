using System.Globalization;
using System.Numerics;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Samples;

public sealed class SampleSqlTests
{
    private static readonly DateTimeOffset Day = new(2001, 1, 15, 0, 0, 0, TimeSpan.Zero);

    private static async Task<DagDefinition> SampleAsync(string id)
    {
        var result = await DagFileLoader.LoadFileAsync(Path.Combine(RepositoryPaths.SampleDags, id + ".yaml"));
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Dag!;
    }

    [Fact]
    public async Task Hello_InDuckDb_Computes169()
    {
        using var runner = new DuckDbSampleRunner();

        runner.Run(await SampleAsync("hello"), Day);

        Assert.Equal(169, Convert.ToInt32(runner.Query("SELECT squared FROM \"square__result\"").Single()[0], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task DepartureDelays_InDuckDb_SummaryMatchesDirectCounts()
    {
        using var runner = new DuckDbSampleRunner();
        var file = DuckDbSampleRunner.SampleFile("samples/flights-3m.parquet");

        runner.Run(await SampleAsync("departure-delays"), Day);
        var summary = runner.Query("SELECT phl_dfw_delayed, short_flights, long_flights FROM \"summary__summary\"").Single();
        var direct = runner.Query(
            $"SELECT SUM(CASE WHEN origin = 'PHL' AND destination = 'DFW' AND delay > 150 THEN 1 ELSE 0 END), " +
            $"SUM(CASE WHEN distance < 200 THEN 1 ELSE 0 END), SUM(CASE WHEN distance > 600 THEN 1 ELSE 0 END) FROM read_parquet('{file}')").Single();

        Assert.Equal(direct.Select(Number), summary.Select(Number));
        Assert.True(Number(summary[0]) > 0);
    }

    [Fact]
    public async Task FlightsDaily_InDuckDb_TopRouteMatchesDirectComputation()
    {
        using var runner = new DuckDbSampleRunner();
        var flights = DuckDbSampleRunner.SampleFile("samples/flights-3m.parquet");
        var airports = DuckDbSampleRunner.SampleFile("samples/airports.csv");

        runner.Run(await SampleAsync("flights-daily"), Day);
        var top = runner.Query("SELECT origin, destination, avg_delay, flight_date FROM \"top-routes__routes\" ORDER BY avg_delay DESC, origin, destination");
        var direct = runner.Query(
            $"SELECT origin, destination, AVG(delay) FROM read_parquet('{flights}') " +
            $"WHERE date >= TIMESTAMP '2001-01-15 00:00:00' AND date < TIMESTAMP '2001-01-16 00:00:00' " +
            $"AND origin IN (SELECT iata FROM read_csv('{airports}', header = true)) AND destination IN (SELECT iata FROM read_csv('{airports}', header = true)) " +
            "GROUP BY origin, destination HAVING COUNT(*) >= 3 ORDER BY 3 DESC, 1, 2 LIMIT 10");
        var stats = runner.Query("SELECT COUNT(*), SUM(flights) FROM \"origin-stats__stats\"").Single();
        var directStats = runner.Query(
            $"SELECT COUNT(DISTINCT origin), COUNT(*) FROM read_parquet('{flights}') WHERE CAST(date AS DATE) = DATE '2001-01-15' " +
            $"AND origin IN (SELECT iata FROM read_csv('{airports}', header = true)) AND destination IN (SELECT iata FROM read_csv('{airports}', header = true))").Single();

        Assert.Equal(10, top.Count);
        Assert.Equal(direct.Select(r => $"{r[0]}-{r[1]}:{Number(r[2]):F6}"), top.Select(r => $"{r[0]}-{r[1]}:{Number(r[2]):F6}"));
        Assert.Equal(new DateOnly(2001, 1, 15), top[0][3]);
        Assert.Equal(directStats.Select(Number), stats.Select(Number));
    }

    [Fact]
    public async Task Stocks_InDuckDb_MapsOverSymbolsAndSummaryMatchesCsharpReturns()
    {
        using var runner = new DuckDbSampleRunner();

        runner.Run(await SampleAsync("stocks"), Day);
        var summary = runner.Query("SELECT symbol, months, avg_monthly_return FROM \"summary__summary\" ORDER BY symbol");

        // Independent computation: parse stocks.csv in C#, order each symbol's prices by date, average p[i]/p[i-1]-1.
        var expected = File.ReadLines(DuckDbSampleRunner.SampleFile("samples/stocks.csv"))
            .Skip(1)
            .Select(line => line.Split(','))
            .Select(f => (Symbol: f[0], Date: DateTime.ParseExact(f[1], "MMM d yyyy", CultureInfo.InvariantCulture), Price: double.Parse(f[2], CultureInfo.InvariantCulture)))
            .GroupBy(r => r.Symbol)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var prices = g.OrderBy(r => r.Date).Select(r => r.Price).ToList();
                var returns = prices.Zip(prices.Skip(1), (previous, current) => (current / previous) - 1).ToList();
                return (g.Key, Months: prices.Count, Average: returns.Average());
            })
            .ToList();

        Assert.Equal(expected.Select(e => e.Key), summary.Select(r => (string)r[0]!));
        Assert.Equal(expected.Select(e => e.Months), summary.Select(r => (int)Number(r[1])));
        Assert.All(expected.Zip(summary), pair => Assert.Equal(pair.First.Average, Number(pair.Second[2]), 9));
    }

    [Fact]
    public async Task Samples_ExternalInputs_NameExistingVegaFilesUnderSamples()
    {
        foreach (var id in new[] { "departure-delays", "flights-daily", "stocks", "hello" })
        {
            foreach (var input in (await SampleAsync(id)).Tasks.SelectMany(t => t.Inputs).Where(i => i.Path is not null))
            {
                Assert.Null(input.Container);
                Assert.True(File.Exists(DuckDbSampleRunner.SampleFile(input.Path!)), input.Path);
            }
        }
    }

    private static double Number(object? value) => value is BigInteger big ? (double)big : Convert.ToDouble(value, CultureInfo.InvariantCulture);
}
