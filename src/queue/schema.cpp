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
