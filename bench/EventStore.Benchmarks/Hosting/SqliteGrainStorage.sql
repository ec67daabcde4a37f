-- Orleans grain storage (Microsoft.Orleans.Persistence.AdoNet, invariant "System.Data.SQLite") on the
-- journal's SQLite file. Run at every silo start, inside one transaction: it only creates what is
-- missing and (re)writes the four queries, so it is safe to run again and again.
-- It touches nothing but the tables OrleansQuery and OrleansStorage.
--
-- Contract with AdoNetGrainStorage (10.4.x), as read from its source:
--   parameters  @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString (may be NULL),
--               @GrainIdHash, @GrainTypeHash (not used here: the natural key is indexed directly),
--               @GrainStateVersion (the grain's ETag as an integer, NULL when it has none), @PayloadBinary.
--   read        at most one row with the columns PayloadBinary and Version. PayloadBinary NULL means
--               "no record" (RecordExists = false) while Version still becomes the ETag.
--   write       one row with NewGrainStateVersion = the new version, or no row at all when the ETag
--               does not match; Orleans turns "no row" into an InconsistentStateException.
--   clear       the first column of the one row returned becomes the new ETag; no row = conflict.
--   delete      (DeleteStateOnClear = true) like clear, but the ETag is then dropped by Orleans; the
--               value returned only has to differ from the ETag sent.
-- Orleans reads versions with Convert.ToInt32, so a version wraps from 2147483647 back to 1.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- One row per (service, state, grain). GrainTypeString holds what the provider receives as "grain type":
-- with AddSqliteGrainStorage that is the state name joined to the full grain id, so grains of different
-- types, and string keys that merely look like numbers, never share a row. A missing key extension is
-- stored as '' so that the unique constraint (and ON CONFLICT) sees it; Orleans never makes an empty one.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    ServiceId              TEXT    NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainIdExtensionString TEXT    NOT NULL DEFAULT '',
    PayloadBinary          BLOB    NULL,
    Version                INTEGER NOT NULL CHECK (Version BETWEEN 1 AND 2147483647),
    ModifiedOn             TEXT    NOT NULL,
    CONSTRAINT UQ_OrleansStorage_Grain UNIQUE (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

-- Read: the payload (NULL after a clear) and the version, or no row for a grain never written.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''');
');

-- Write, one statement:
--   no ETag, no row          -> inserted with version 1, returns 1
--   no ETag, row exists      -> the update's WHERE is false (Version = NULL): no row returned, conflict
--   ETag n, row at version n -> payload replaced, version n + 1 returned
--   ETag n, row at other m   -> no row returned, conflict
--   ETag n, no row           -> the SELECT yields nothing, nothing inserted, no row returned, conflict
-- (The SELECT needs its WHERE clause anyway: SQLite requires one before ON CONFLICT in INSERT ... SELECT.)
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
INSERT INTO OrleansStorage (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, PayloadBinary, Version, ModifiedOn)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''''), @PayloadBinary, 1,
       strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE @GrainStateVersion IS NULL
   OR EXISTS (SELECT 1 FROM OrleansStorage
              WHERE ServiceId = @ServiceId
                AND GrainTypeString = @GrainTypeString
                AND GrainIdN0 = @GrainIdN0
                AND GrainIdN1 = @GrainIdN1
                AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, ''''))
ON CONFLICT (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString) DO UPDATE
   SET PayloadBinary = excluded.PayloadBinary,
       Version = OrleansStorage.Version % 2147483647 + 1,
       ModifiedOn = excluded.ModifiedOn
   WHERE OrleansStorage.Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
');

-- Clear (DeleteStateOnClear = false): keep the row, drop the payload, bump the version so that the
-- grain's next write (with the returned ETag) succeeds and a stale activation's write does not.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansStorage
   SET PayloadBinary = NULL,
       Version = Version % 2147483647 + 1,
       ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
');

-- Clear (DeleteStateOnClear = true): remove the row when the ETag matches; the next write starts at 1.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version % 2147483647 + 1 AS NewGrainStateVersion;
');
