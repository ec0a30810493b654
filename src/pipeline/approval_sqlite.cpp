#include "pipeline/approval_sqlite.hpp"

namespace triagent::approval_detail {

Result<std::unique_ptr<sqlite::SqliteDb>> open_approval_db(const std::string& path, std::string label,
                                                           int busy_timeout_ms) {
  // The stores serialise every use of the connection with their own mutex.
  auto db = sqlite::SqliteDb::open(path, std::move(label), busy_timeout_ms);
  if (!db) return db.error();
  if (auto ok = (*db)->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", "journal mode"); !ok) return ok.error();
  return db;
}

}  // namespace triagent::approval_detail
