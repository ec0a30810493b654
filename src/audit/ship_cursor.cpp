// The cursor file: temp file + fsync + rename + directory fsync.
#include "audit/ship_cursor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "audit/audit_file.hpp"

namespace triagent::audit {

namespace {

constexpr std::size_t kMaxCursorBytes = 4096;

Error io_error(const std::string& what, int err) {
  return make_error(ErrorCode::unavailable, what + ": " + std::strerror(err));
}

bool is_hex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<std::optional<ShipCursor>> load_ship_cursor(const std::string& path) {
  auto file = open_for_reading(path);
  if (!file) {
    if (file.error().code == ErrorCode::not_found) return std::optional<ShipCursor>{};
    return file.error();
  }
  auto text = read_at(file->get(), 0, kMaxCursorBytes);
  if (!text) return text.error();
  auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  ShipCursor c;
  if (j.is_object() && j.contains("seq") && j["seq"].is_number_integer() && j.contains("hash") &&
      j["hash"].is_string()) {
    c.seq = j["seq"].get<std::int64_t>();
    c.hash = j["hash"].get<std::string>();
  }
  if (c.seq < 1 || !is_hex64(c.hash)) {
    return make_error(ErrorCode::unavailable,
                      path + " is not a shipping cursor ({\"hash\":\"<64 hex>\",\"seq\":N}); fix or move it aside");
  }
  return std::optional<ShipCursor>{std::move(c)};
}

Result<void> store_ship_cursor(const std::string& path, const ShipCursor& cursor) {
  const std::string tmp = path + ".tmp";
  const std::string text = nlohmann::json{{"hash", cursor.hash}, {"seq", cursor.seq}}.dump() + "\n";
  {
    FileHandle f(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (f.get() < 0) return io_error("cannot create " + tmp, errno);
    if (auto w = write_all(f.get(), text); !w) return w.error();
    if (::fsync(f.get()) != 0) return io_error("cannot sync " + tmp, errno);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return io_error("cannot rename " + tmp + " to " + path, errno);
  // The rename itself must reach the disk, or a power loss could bring back the old cursor.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  FileHandle d(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() < 0) return io_error("cannot open directory " + dir, errno);
  if (::fsync(d.get()) != 0) return io_error("cannot sync directory " + dir, errno);
  return {};
}

}  // namespace triagent::audit
