namespace EventStore.Journal.Postgres;

/// <summary>
/// Every SQL statement of Orleans' ADO.NET clustering on PostgreSQL (<c>Microsoft.Orleans.Clustering.AdoNet</c>,
/// invariant <c>Npgsql</c>), which ships no SQL of its own: the membership tables, two functions, and the
/// <c>OrleansQuery</c> rows the provider reads at start (it refuses to start unless every key of
/// <see cref="Queries"/> is there, <c>CleanupDefunctSiloEntriesKey</c> included: dotnet/orleans #8676).
/// </summary>
/// <remarks>
/// Written from the provider's contract (its <c>DbStoredQueries</c> keys, the parameter and column names of its
/// <c>RelationalOrleansQueries</c>, and <c>IMembershipTable</c>) and from upstream's <c>PostgreSQL-Main.sql</c> and
/// <c>PostgreSQL-Clustering.sql</c> (dotnet/orleans, main, 2026-08). Differences from upstream: every statement is
/// repeatable (<c>IF NOT EXISTS</c>, <c>CREATE OR REPLACE</c>, <c>ON CONFLICT DO UPDATE</c>) so that silos install it
/// at start, taking turns under an advisory lock; only the two writes that must bump the version row atomically are
/// functions (with an <c>orleans_</c> prefix), the rest plain statements; and
/// <c>CleanupDefunctSiloEntriesKey</c> deletes only Dead silos' rows, as <c>IMembershipTable</c> documents (upstream
/// deletes every non-Active row, so a silo stuck Joining or ShuttingDown also goes). Table and column names are
/// upstream's, unquoted (so lower case), so a database prepared with upstream's script is accepted as it is.
/// The "Insert" and "Update" queries return 1 when the row was written and the version row bumped together,
/// 0 when the expected version was stale (both undone): the version row is the membership table's ETag.
/// </remarks>
internal static class PostgresClusterSql
{
    /// <summary>
    /// Bumped whenever any statement here changes. It is part of every query text, so a database whose query rows
    /// all carry this version was installed by this very script and is left alone (no DDL, no locks on tables in use).
    /// </summary>
    public const int SchemaVersion = 1;

    /// <summary>Held (for the install transaction only) while one silo installs, so silos starting at once take turns.</summary>
    public const long SchemaLockKey = 0x4576_656E_7443_6C73; // "EventCls"

    public const string LockSchema = "SELECT pg_advisory_xact_lock(@key)";

    public const string QueryTableExists = "SELECT to_regclass('orleansquery') IS NOT NULL";

    /// <summary>How many of the given (key, text) pairs are in <c>OrleansQuery</c> exactly as given.</summary>
    public const string CountInstalledQueries = """
        SELECT count(*)::int FROM orleansquery q
        JOIN unnest(@keys::text[], @texts::text[]) AS wanted(key, text) ON q.querykey = wanted.key AND q.querytext = wanted.text
        """;

    public const string UpsertQuery = """
        INSERT INTO orleansquery (querykey, querytext) VALUES (@key, @text)
        ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext
        """;

    /// <summary>The tables and functions, created where missing (functions replaced).</summary>
    public const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS orleansquery (
            querykey  varchar(64)   NOT NULL,
            querytext varchar(8000) NOT NULL,
            CONSTRAINT orleansquery_key PRIMARY KEY (querykey)
        );

        -- One row per cluster (DeploymentId is Orleans' ClusterId): its version is the membership table's ETag.
        CREATE TABLE IF NOT EXISTS orleansmembershipversiontable (
            deploymentid varchar(150)   NOT NULL,
            timestamp    timestamptz(3) NOT NULL DEFAULT now(),
            version      integer        NOT NULL DEFAULT 0,
            CONSTRAINT pk_orleansmembershipversiontable_deploymentid PRIMARY KEY (deploymentid)
        );

        -- One row per silo incarnation (a restarted silo has a new generation, hence a new row).
        CREATE TABLE IF NOT EXISTS orleansmembershiptable (
            deploymentid varchar(150)   NOT NULL,
            address      varchar(45)    NOT NULL,
            port         integer        NOT NULL,
            generation   integer        NOT NULL,
            siloname     varchar(150)   NOT NULL,
            hostname     varchar(150)   NOT NULL,
            status       integer        NOT NULL,
            proxyport    integer        NULL,
            suspecttimes varchar(8000)  NULL,
            starttime    timestamptz(3) NOT NULL,
            iamalivetime timestamptz(3) NOT NULL,
            CONSTRAINT pk_membershiptable_deploymentid PRIMARY KEY (deploymentid, address, port, generation),
            CONSTRAINT fk_membershiptable_membershipversiontable_deploymentid
                FOREIGN KEY (deploymentid) REFERENCES orleansmembershipversiontable (deploymentid)
        );

        -- Inserts a silo's row and bumps the version, both or neither: 1 when done, 0 when the row exists or the version is stale.
        CREATE OR REPLACE FUNCTION orleans_insert_membership(
            deployment_id varchar, address_arg varchar, port_arg integer, generation_arg integer,
            silo_name varchar, host_name varchar, status_arg integer, proxy_port integer,
            start_time timestamptz, i_am_alive_time timestamptz, version_arg integer)
        RETURNS TABLE (row_count integer) AS
        $func$
        DECLARE
            affected integer := 0;
        BEGIN
            BEGIN
                INSERT INTO orleansmembershiptable
                    (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
                VALUES
                    (deployment_id, address_arg, port_arg, generation_arg, silo_name, host_name, status_arg, proxy_port, start_time, i_am_alive_time)
                ON CONFLICT (deploymentid, address, port, generation) DO NOTHING;
                GET DIAGNOSTICS affected = ROW_COUNT;

                UPDATE orleansmembershipversiontable
                SET timestamp = now(), version = version + 1
                WHERE deploymentid = deployment_id AND version = version_arg AND affected > 0;
                GET DIAGNOSTICS affected = ROW_COUNT;

                ASSERT affected <> 0, 'stale version or existing row: undo the insert';
                RETURN QUERY SELECT affected;
            EXCEPTION WHEN assert_failure THEN
                RETURN QUERY SELECT 0;
            END;
        END
        $func$ LANGUAGE plpgsql;

        -- Bumps the version and updates a silo's row, both or neither: 1 when done, 0 when the version is stale or the row missing.
        CREATE OR REPLACE FUNCTION orleans_update_membership(
            deployment_id varchar, address_arg varchar, port_arg integer, generation_arg integer,
            status_arg integer, suspect_times varchar, i_am_alive_time timestamptz, version_arg integer)
        RETURNS TABLE (row_count integer) AS
        $func$
        DECLARE
            affected integer := 0;
        BEGIN
            BEGIN
                UPDATE orleansmembershipversiontable
                SET timestamp = now(), version = version + 1
                WHERE deploymentid = deployment_id AND version = version_arg;
                GET DIAGNOSTICS affected = ROW_COUNT;

                UPDATE orleansmembershiptable
                SET status = status_arg, suspecttimes = suspect_times, iamalivetime = i_am_alive_time
                WHERE deploymentid = deployment_id AND address = address_arg AND port = port_arg
                  AND generation = generation_arg AND affected > 0;
                GET DIAGNOSTICS affected = ROW_COUNT;

                ASSERT affected <> 0, 'stale version or missing row: undo the version bump';
                RETURN QUERY SELECT affected;
            EXCEPTION WHEN assert_failure THEN
                RETURN QUERY SELECT 0;
            END;
        END
        $func$ LANGUAGE plpgsql;
        """;

    /// <summary>Every query key the clustering provider requires (silo and client alike), with its text.</summary>
    public static IReadOnlyList<(string Key, string Text)> Queries { get; } =
    [
        // One row always (Orleans reads the first): 1 when this call created the version row, 0 when it was there.
        ("InsertMembershipVersionKey", """
            WITH inserted AS (
                INSERT INTO orleansmembershipversiontable (deploymentid) VALUES (@DeploymentId)
                ON CONFLICT (deploymentid) DO NOTHING
                RETURNING 1
            )
            SELECT count(*)::int FROM inserted
            """),
        // Called as a plain statement: Orleans ignores its result.
        ("UpdateIAmAlivetimeKey", """
            UPDATE orleansmembershiptable SET iamalivetime = @IAmAliveTime
            WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
            """),
        ("InsertMembershipKey", """
            SELECT row_count FROM orleans_insert_membership(@DeploymentId, @Address, @Port, @Generation,
                @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version)
            """),
        ("UpdateMembershipKey", """
            SELECT row_count FROM orleans_update_membership(@DeploymentId, @Address, @Port, @Generation,
                @Status, @SuspectTimes, @IAmAliveTime, @Version)
            """),
        // The version row comes back even when no silo row matches (LEFT JOIN): it carries the table's ETag.
        ("MembershipReadRowKey", """
            SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
                   m.suspecttimes, m.starttime, m.iamalivetime, v.version
            FROM orleansmembershipversiontable v
            LEFT JOIN orleansmembershiptable m ON v.deploymentid = m.deploymentid
                AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
            WHERE v.deploymentid = @DeploymentId
            """),
        ("MembershipReadAllKey", """
            SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
                   m.suspecttimes, m.starttime, m.iamalivetime, v.version
            FROM orleansmembershipversiontable v
            LEFT JOIN orleansmembershiptable m ON v.deploymentid = m.deploymentid
            WHERE v.deploymentid = @DeploymentId
            """),
        ("DeleteMembershipTableEntriesKey", """
            DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
            DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
            """),
        // Clients' gateway list: Active silos (@Status is Active) with a gateway.
        ("GatewaysQueryKey", """
            SELECT address, proxyport, generation FROM orleansmembershiptable
            WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0
            """),
        // Dead silos (SiloStatus.Dead = 6) last alive before @IAmAliveTime.
        ("CleanupDefunctSiloEntriesKey", """
            DELETE FROM orleansmembershiptable
            WHERE deploymentid = @DeploymentId AND iamalivetime < @IAmAliveTime AND status = 6
            """),
    ];

    /// <summary>A query's text as stored: marked with <see cref="SchemaVersion"/>, so that a changed script is installed again.</summary>
    public static string Stored(string text) => $"/* event-store cluster schema {SchemaVersion} */ {text}";
}
