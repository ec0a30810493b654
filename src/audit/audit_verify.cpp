// verify: walks the whole file once, recomputing each record's hash and its link to the line
// before, and stops at the first record that does not hold.
#include "audit/audit_file.hpp"
#include "triagent/audit/audit_log.hpp"
#include "triagent/audit/audit_reader.hpp"

namespace triagent::audit {

namespace {

std::string seq_problem(std::int64_t seq, std::int64_t expected) {
  const std::string head = "seq " + std::to_string(seq) + " where " + std::to_string(expected) + " was expected";
  if (seq < expected) return head + " (a record was duplicated or moved)";
  return head + " (records are missing or were moved)";
}

// The problem with a well-formed record at `line_no`, or empty when it holds.
std::string chain_problem(const AuditRecord& record, const nlohmann::json& parsed, const std::string& text,
                          std::int64_t expected_seq, const std::string& expected_prev, std::int64_t line_no) {
  if (record.seq != expected_seq) return seq_problem(record.seq, expected_seq);
  if (compute_record_hash(record) != record.hash) {
    return "hash does not match the record's content (the record, or its hash, was changed after it was written)";
  }
  if (canonical_json(parsed) != text) return "the line is not in canonical form (it was re-serialised or edited)";
  if (record.prev != expected_prev) {
    if (line_no == 1) return "prev of the first record is not 64 zeros (records before it were removed)";
    return "prev does not match the SHA-256 of line " + std::to_string(line_no - 1) +
           " (that line was changed, removed or replaced)";
  }
  return {};
}

}  // namespace

Result<VerifyReport> verify(const std::string& dir) {
  auto file = open_for_reading(audit_file_path(dir));
  if (!file) return file.error();
  auto end = file_size(file->get());
  if (!end) return end.error();

  VerifyReport report;
  std::int64_t line_no = 0;
  std::string expected_prev(kGenesisPrev);
  LineReader lines(file->get(), 0, *end);
  while (auto line = lines.next()) {
    ++line_no;
    if (!line->terminated) {
      report.torn_tail = true;
      break;
    }
    const std::int64_t expected_seq = report.records + 1;
    auto fail = [&](std::int64_t seq, std::string problem) {
      report.first_bad_seq = seq;
      report.line = line_no;
      report.problem = std::move(problem);
      return report;
    };
    auto parsed = nlohmann::json::parse(line->text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return fail(expected_seq, "not valid JSON");
    AuditRecord record;
    if (std::string problem = read_record(parsed, record); !problem.empty()) {
      const bool has_seq = parsed.is_object() && parsed.contains("seq") && parsed["seq"].is_number_integer();
      return fail(has_seq ? parsed["seq"].get<std::int64_t>() : expected_seq, problem);
    }
    if (std::string problem = chain_problem(record, parsed, line->text, expected_seq, expected_prev, line_no);
        !problem.empty()) {
      return fail(record.seq, problem);
    }
    expected_prev = sha256_hex(line->text);
    ++report.records;
  }
  if (lines.error()) return *lines.error();
  return report;
}

}  // namespace triagent::audit
