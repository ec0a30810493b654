#include "queue/schema.hpp"

#include <array>
#include <charconv>
#include <string>

namespace triagent::queue_detail {

namespace {

// Index i upgrades a database from version i to i + 1.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    // AUTOINCREMENT: a job id is never reused after a purge, so an id in an old 202 answer or log
    // line never names a different job. STRICT: a value of the wrong type is an error, not coerced.
    R"sql(
CREATE TABLE jobs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  kind         TEXT    NOT NULL,
  dedupe_key   TEXT    NOT NULL UNIQUE,
  payload      TEXT    NOT NULL,
  result       TEXT    NOT NULL DEFAULT '',
  state        TEXT    NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'dead')),
  visible_at   INTEGER NOT NULL,
  lease_owner  TEXT    NOT NULL DEFAULT '',
  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
  last_error   TEXT    NOT NULL DEFAULT '',
  traceparent  TEXT    NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
-- Leasing walks the live jobs in id order and stops after n visible ones, inside the index alone.
CREATE INDEX jobs_live ON jobs (id, visible_at, state) WHERE state IN ('queued', 'leased');
-- list(state), stats, the purge of old done jobs and the expiry of leases.
CREATE INDEX jobs_state_updated ON jobs (state, updated_at);
)sql",
    // Version 2, for the cost of an insert (about half of it went here, by callgrind):
    // - the state CHECK compares with '=': SQLite evaluates `IN (4 constants)` by building an
    //   ephemeral b-tree on every INSERT and on every UPDATE of state;
    // - no AUTOINCREMENT, which read and rewrote sqlite_sequence on every insert. JobStore assigns
    //   ids itself from the highest id ever given, kept in queue_meta when a purge could delete the
    //   newest row, so an id is still never reused.
    R"sql(
CREATE TABLE jobs_v2 (
  id           INTEGER PRIMARY KEY,
  kind         TEXT    NOT NULL,
  dedupe_key   TEXT    NOT NULL UNIQUE,
  payload      TEXT    NOT NULL,
  result       TEXT    NOT NULL DEFAULT '',
  state        TEXT    NOT NULL CHECK (state = 'queued' OR state = 'leased' OR state = 'done' OR state = 'dead'),
  visible_at   INTEGER NOT NULL,
  lease_owner  TEXT    NOT NULL DEFAULT '',
  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
  last_error   TEXT    NOT NULL DEFAULT '',
  traceparent  TEXT    NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
INSERT INTO jobs_v2 (id, kind, dedupe_key, payload, result, state, visible_at, lease_owner, attempts, max_attempts,
                     last_error, traceparent, created_at, updated_at)
  SELECT id, kind, dedupe_key, payload, result, state, visible_at, lease_owner, attempts, max_attempts,
         last_error, traceparent, created_at, updated_at FROM jobs;
CREATE TABLE queue_meta (
  key   TEXT    PRIMARY KEY NOT NULL,
  value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO queue_meta (key, value)
  SELECT 'job_id_high_water', max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'jobs'), 0),
                                  coalesce((SELECT max(id) FROM jobs), 0));
DROP TABLE jobs;
ALTER TABLE jobs_v2 RENAME TO jobs;
CREATE INDEX jobs_live ON jobs (id, visible_at, state) WHERE state IN ('queued', 'leased');
CREATE INDEX jobs_state_updated ON jobs (state, updated_at);
)sql",
    // Version 3: a new job no longer enters jobs_state_updated. Every insert wrote that index's
    // last leaf page into the WAL (2.5 of 14 pages per commit of 23 webhooks, by a replay of the
    // intake bench's inserts) for queries that never ask for queued jobs by time: queued jobs are
    // found through jobs_live. Queries that use this index repeat `state <> 'queued'`, as SQLite
    // uses a partial index only when the query's WHERE holds its condition word for word.
    R"sql(
DROP INDEX jobs_state_updated;
CREATE INDEX jobs_state_updated ON jobs (state, updated_at) WHERE state <> 'queued';
)sql",
    // Version 4: dedupe_key loses its UNIQUE index; JobStore keeps the keys in memory (DedupeIndex,
    // loaded from this table at open). Webhook ids in random order each wrote a leaf of that index
    // per commit: 30 of 41.6 WAL pages per commit of 25 webhooks.
    R"sql(
CREATE TABLE jobs_v4 (
  id           INTEGER PRIMARY KEY,
  kind         TEXT    NOT NULL,
  dedupe_key   TEXT    NOT NULL,
  payload      TEXT    NOT NULL,
  result       TEXT    NOT NULL DEFAULT '',
  state        TEXT    NOT NULL CHECK (state = 'queued' OR state = 'leased' OR state = 'done' OR state = 'dead'),
  visible_at   INTEGER NOT NULL,
  lease_owner  TEXT    NOT NULL DEFAULT '',
  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
  last_error   TEXT    NOT NULL DEFAULT '',
  traceparent  TEXT    NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
INSERT INTO jobs_v4 (id, kind, dedupe_key, payload, result, state, visible_at, lease_owner, attempts, max_attempts,
                     last_error, traceparent, created_at, updated_at)
  SELECT id, kind, dedupe_key, payload, result, state, visible_at, lease_owner, attempts, max_attempts,
         last_error, traceparent, created_at, updated_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v4 RENAME TO jobs;
CREATE INDEX jobs_live ON jobs (id, visible_at, state) WHERE state IN ('queued', 'leased');
CREATE INDEX jobs_state_updated ON jobs (state, updated_at) WHERE state <> 'queued';
)sql",
};

}  // namespace

Result<void> migrate_schema(SqliteDb& db) {
  auto current = db.query_text("PRAGMA user_version");
  if (!current) return current.error();
  int version = 0;
  std::from_chars(current->data(), current->data() + current->size(), version);
  if (version > kSchemaVersion) {
    return make_error(ErrorCode::unavailable, "queue database has schema version " + std::to_string(version) +
                                                  ", newer than this build's " + std::to_string(kSchemaVersion));
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    std::string step = "BEGIN IMMEDIATE;\n";
    step += kMigrations[static_cast<std::size_t>(v)];
    step += "PRAGMA user_version = " + std::to_string(v + 1) + ";\nCOMMIT;";
    if (auto r = db.exec(step.c_str()); !r) {
      (void)db.exec("ROLLBACK");
      return make_error(ErrorCode::unavailable, "queue schema migration to version " + std::to_string(v + 1) +
                                                    " failed: " + r.error().message);
    }
  }
  return {};
}

}  // namespace triagent::queue_detail
