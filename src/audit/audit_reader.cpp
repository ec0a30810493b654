// read_records: a page of records from a given seq, found by bisecting the file on seq.
#include "triagent/audit/audit_reader.hpp"

#include "audit/audit_file.hpp"
#include "triagent/audit/audit_log.hpp"

namespace triagent::audit {

namespace {

// Below this span a forward scan is cheaper than more bisection steps.
constexpr std::int64_t kScanSpan = 256 * 1024;

// The seq of the first complete line starting at or after `from`, with that line's offset; nullopt
// when there is none or it is not a record.
struct SeqAt {
  std::int64_t seq;
  std::int64_t offset;
};

Result<std::optional<SeqAt>> first_seq_after(int fd, std::int64_t from, std::int64_t end) {
  std::int64_t start = from;
  if (from > 0) {
    // Skip to the line start after the newline at or after from - 1.
    LineReader skip(fd, from - 1, end);
    auto partial = skip.next();
    if (skip.error()) return *skip.error();
    if (!partial || !partial->terminated) return std::optional<SeqAt>{};
    start = from - 1 + static_cast<std::int64_t>(partial->text.size()) + 1;
  }
  LineReader lines(fd, start, end);
  auto line = lines.next();
  if (lines.error()) return *lines.error();
  if (!line || !line->terminated) return std::optional<SeqAt>{};
  auto parsed = nlohmann::json::parse(line->text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || !parsed.contains("seq") || !parsed["seq"].is_number_integer()) return std::optional<SeqAt>{};
  return std::optional<SeqAt>{SeqAt{parsed["seq"].get<std::int64_t>(), start}};
}

// An offset at or before the line holding `from_seq` (seq grows with the offset in a sound file).
Result<std::int64_t> offset_before_seq(int fd, std::int64_t from_seq, std::int64_t end) {
  std::int64_t lo = 0;  // a line start whose seq is below from_seq, or 0
  std::int64_t hi = end;
  while (hi - lo > kScanSpan) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    auto probe = first_seq_after(fd, mid, end);
    if (!probe) return probe.error();
    if (!*probe) break;  // no readable line there: scan from lo
    if ((*probe)->offset >= hi) {
      hi = mid;  // no line starts in [mid, hi)
    } else if ((*probe)->seq < from_seq) {
      lo = (*probe)->offset;
    } else {
      hi = mid;
    }
  }
  return lo;
}

}  // namespace

Result<std::vector<AuditRecord>> read_records(const std::string& dir, std::int64_t from_seq, std::size_t max) {
  const std::string path = audit_file_path(dir);
  auto file = open_for_reading(path);
  if (!file) return file.error();
  auto end = file_size(file->get());
  if (!end) return end.error();
  std::vector<AuditRecord> out;
  if (max == 0) return out;
  auto start = offset_before_seq(file->get(), from_seq, *end);
  if (!start) return start.error();

  LineReader lines(file->get(), *start, *end);
  while (auto line = lines.next()) {
    if (!line->terminated) break;  // being written, or torn
    auto parsed = nlohmann::json::parse(line->text, nullptr, /*allow_exceptions=*/false);
    AuditRecord record;
    std::string problem = parsed.is_discarded() ? "not valid JSON" : read_record(parsed, record);
    if (!problem.empty()) {
      return make_error(ErrorCode::unavailable,
                        path + " at byte " + std::to_string(line->offset) + ": " + problem + "; run `triagent audit verify`");
    }
    if (record.seq < from_seq) continue;
    out.push_back(std::move(record));
    if (out.size() >= max) break;
  }
  if (lines.error()) return *lines.error();
  return out;
}

}  // namespace triagent::audit
