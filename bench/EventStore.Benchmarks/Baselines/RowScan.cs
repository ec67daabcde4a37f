using System.Data.Common;

namespace EventStore.Benchmarks.Baselines;

/// <summary>The raw read baselines' row loop, for either database: every column of every row materialized, as the product's row reader does (less the JSON).</summary>
internal static class RowScan
{
    /// <summary>Reads every row selected with the journal's columns in their usual order; returns how many.</summary>
    public static long ReadAll(DbDataReader reader)
    {
        long rows = 0, check = 0;
        while (reader.Read())
        {
            check += reader.GetInt64(0) + reader.GetInt64(5) + reader.GetInt64(6);
            check += reader.GetString(1).Length + reader.GetString(2).Length + reader.GetString(3).Length + reader.GetString(4).Length
                + reader.GetString(7).Length + reader.GetString(8).Length;
            for (var column = 9; column < 12; column++)
                if (!reader.IsDBNull(column)) check += reader.GetString(column).Length;
            rows++;
        }
        GC.KeepAlive(check);
        return rows;
    }
}
