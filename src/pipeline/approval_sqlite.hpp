#pragma once
// The approval and feedback stores' connection: the shared SQLite wrapper of core, opened with
// WAL and synchronous=FULL (a decision acknowledged to an approver survives a power loss), and a
// busy timeout so that a second process waits rather than failing.
//
//   auto db = approval_detail::open_approval_db(path, "approval store", 5000);

#include <memory>
#include <string>

#include "core/sqlite_db.hpp"
#include "triagent/core/result.hpp"

namespace triagent::approval_detail {

Result<std::unique_ptr<sqlite::SqliteDb>> open_approval_db(const std::string& path, std::string label,
                                                           int busy_timeout_ms);

}  // namespace triagent::approval_detail
