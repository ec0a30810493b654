#include "core/private_files.hpp"

#include <sys/stat.h>

#include <cstdio>

namespace triagent {

void make_created_files_private() { ::umask(077); }

std::optional<std::string> open_to_other_users(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || (st.st_mode & S_IRWXO) == 0) return std::nullopt;
  char mode[8];
  std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return std::string(mode);
}

}  // namespace triagent
