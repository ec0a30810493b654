#include "audit/tail_recovery.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "audit/audit_file.hpp"
#include "triagent/audit/audit_record.hpp"

namespace triagent::audit {

namespace {

// A record is at most max_data_bytes plus a few hundred bytes; a last "line" larger than this is
// not something the writer produced, and reading it whole would only waste memory.
constexpr std::int64_t kMaxTailLine = 64 << 20;

Result<void> cut_to(int fd, std::int64_t size, const std::string& path) {
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0 || ::fdatasync(fd) != 0) {
    return make_error(ErrorCode::unavailable, "cannot repair " + path + ": " + std::strerror(errno));
  }
  return {};
}

void add_warning(std::string& warning, const std::string& text) {
  if (!warning.empty()) warning += "; ";
  warning += text;
}

}  // namespace

Result<TailState> recover_tail(int fd, const std::string& path) {
  TailState state;
  state.last_line_hash = std::string(kGenesisPrev);
  auto size = file_size(fd);
  if (!size) return size.error();
  state.size = *size;
  if (state.size == 0) return state;

  auto last_byte = read_at(fd, state.size - 1, 1);
  if (!last_byte) return last_byte.error();
  if (*last_byte != "\n") {
    auto nl = last_newline_before(fd, state.size);
    if (!nl) return nl.error();
    const std::int64_t cut = *nl + 1;
    if (auto r = cut_to(fd, cut, path); !r) return r.error();
    add_warning(state.warning, "removed a torn last line of " + std::to_string(state.size - cut) +
                                   " bytes from " + path + " (a write cut short by a crash; it was never acknowledged)");
    state.size = cut;
  }

  // At most one complete line that is not JSON is cut: a crash can garble the end of the last
  // write, not several lines before it.
  bool cut_garbled_line = false;
  while (state.size > 0) {
    auto nl = last_newline_before(fd, state.size - 1);
    if (!nl) return nl.error();
    const std::int64_t start = *nl + 1;
    const std::int64_t length = state.size - 1 - start;
    if (length > kMaxTailLine) {
      return make_error(ErrorCode::unavailable, path + ": the last line is " + std::to_string(length) +
                                                    " bytes long, not an audit record; run `triagent audit verify`");
    }
    auto line = read_at(fd, start, static_cast<std::size_t>(length));
    if (!line) return line.error();
    auto parsed = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      if (cut_garbled_line) {
        return make_error(ErrorCode::unavailable, path + ": the last two lines are not JSON; run `triagent audit verify`");
      }
      if (auto r = cut_to(fd, start, path); !r) return r.error();
      add_warning(state.warning, "removed a last line of " + std::to_string(length + 1) + " bytes from " + path +
                                     " that was not JSON (a write garbled by a crash; it was never acknowledged)");
      state.size = start;
      cut_garbled_line = true;
      continue;
    }
    AuditRecord record;
    std::string problem = read_record(parsed, record);
    if (problem.empty() && compute_record_hash(record) != record.hash) problem = "its hash does not match its content";
    if (problem.empty() && canonical_json(parsed) != *line) problem = "it is not in canonical form";
    if (!problem.empty()) {
      return make_error(ErrorCode::unavailable,
                        path + ": the last record is damaged (" + problem +
                            "); run `triagent audit verify`, and move the file aside to start a new chain");
    }
    state.last_seq = record.seq;
    state.last_line_hash = sha256_hex(*line);
    return state;
  }
  return state;
}

}  // namespace triagent::audit
