#pragma once
// The data directory holds every webhook's payload (the queue), approvals and deliveries
// (state.db), the audit trail and, from scripts/run.sh, the generated secrets: no other user of
// the machine should read any of it.
//
//   make_created_files_private();                       // before creating anything
//   if (auto mode = open_to_other_users(dir)) warn(...); // an older install's 0755 directory

#include <optional>
#include <string>

namespace triagent {

// Sets the process umask to 077: every file and directory created from here on (SQLite's
// database, -wal and -shm files among them) is readable by its owner alone.
void make_created_files_private();

// The permission bits of `path` ("0755") when other users may read, write or enter it; nullopt
// when they may not, or when it does not exist.
std::optional<std::string> open_to_other_users(const std::string& path);

}  // namespace triagent
