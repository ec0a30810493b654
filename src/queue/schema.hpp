#pragma once
// The queue's table layout and its migrations, versioned with `PRAGMA user_version`.
// A migration is appended, never edited: a database is upgraded by running every step above its
// version, each in its own transaction.
//
//   if (auto r = migrate_schema(db); !r) return r.error();

#include "core/sqlite_db.hpp"
#include "triagent/core/result.hpp"

namespace triagent::queue_detail {

using sqlite::SqliteDb;

inline constexpr int kSchemaVersion = 4;

// queue_meta's key for the highest job id ever given (version 2 on).
inline constexpr const char* kJobIdHighWaterKey = "job_id_high_water";

// Refuses a database written by a newer Triagent (its version is above kSchemaVersion).
Result<void> migrate_schema(SqliteDb& db);

}  // namespace triagent::queue_detail
