using Npgsql;
using NpgsqlTypes;

namespace EventStore.Journal.Postgres;

/// <summary>
/// The rows of one bulk insert (<see cref="PostgresJournalSql.InsertEvents"/>) as one array per column: the events of a whole
/// batch reach the server as fourteen parameters, whatever their number.
/// </summary>
internal sealed class PostgresEventColumns
{
    private readonly List<long> _position = [], _version = [], _timestamp = [];
    private readonly List<string> _id = [], _type = [], _aggregateId = [], _aggregateType = [], _source = [], _payload = [];
    private readonly List<string?> _metadata = [], _causationId = [], _correlationId = [], _request = [];
    private readonly List<int> _schemaVersion = [];

    /// <summary>Rows added so far.</summary>
    public int Count => _position.Count;

    /// <summary>The parameters of <see cref="PostgresJournalSql.InsertEvents"/>, typed, with no values yet.</summary>
    public static IEnumerable<NpgsqlParameter> Parameters()
    {
        foreach (var (name, type) in new[]
        {
            ("position", NpgsqlDbType.Bigint), ("id", NpgsqlDbType.Text), ("type", NpgsqlDbType.Text), ("aggregate_id", NpgsqlDbType.Text),
            ("aggregate_type", NpgsqlDbType.Text), ("version", NpgsqlDbType.Bigint), ("timestamp", NpgsqlDbType.Bigint), ("source", NpgsqlDbType.Text),
            ("payload", NpgsqlDbType.Text), ("metadata", NpgsqlDbType.Text), ("causation_id", NpgsqlDbType.Text), ("correlation_id", NpgsqlDbType.Text),
            ("request", NpgsqlDbType.Text), ("schema_version", NpgsqlDbType.Integer),
        })
            yield return new NpgsqlParameter(name, NpgsqlDbType.Array | type);
    }

    /// <summary>Adds an event of <paramref name="append"/> at <paramref name="version"/> and <paramref name="position"/>.</summary>
    public void Add(StreamAppend append, UnwrittenEvent e, long version, long position)
    {
        _position.Add(position);
        _id.Add(e.Id);
        _type.Add(e.Type);
        _aggregateId.Add(append.AggregateId);
        _aggregateType.Add(append.AggregateType);
        _version.Add(version);
        _timestamp.Add(e.Timestamp);
        _source.Add(e.Source);
        _payload.Add(e.PayloadJson);
        _metadata.Add(e.MetadataJson);
        _causationId.Add(e.CausationId);
        _correlationId.Add(e.CorrelationId);
        _request.Add(e.Request);
        _schemaVersion.Add(e.SchemaVersion);
    }

    /// <summary>Sets the arrays as the values of <paramref name="parameters"/> (made by <see cref="Parameters"/>).</summary>
    public void Bind(NpgsqlParameterCollection parameters)
    {
        object[] values =
        [
            _position.ToArray(), _id.ToArray(), _type.ToArray(), _aggregateId.ToArray(), _aggregateType.ToArray(), _version.ToArray(),
            _timestamp.ToArray(), _source.ToArray(), _payload.ToArray(), _metadata.ToArray(), _causationId.ToArray(), _correlationId.ToArray(),
            _request.ToArray(), _schemaVersion.ToArray(),
        ];
        for (var i = 0; i < values.Length; i++) parameters[i].Value = values[i];
    }
}
