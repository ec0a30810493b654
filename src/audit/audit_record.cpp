#include "triagent/audit/audit_record.hpp"

#include <array>
#include <limits>

#include "triagent/core/clock.hpp"

namespace triagent::audit {

namespace {

constexpr std::array<std::string_view, 8> kFields = {"data", "hash", "job_id", "kind", "prev", "seq", "time", "trace_id"};

bool is_hex_digest(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Quoted for a message, and cut so a hostile line cannot make the message huge.
std::string shown(const std::string& s) {
  constexpr std::size_t kShown = 80;
  return "'" + (s.size() <= kShown ? s : s.substr(0, kShown) + "...") + "'";
}

}  // namespace

bool is_valid_audit_kind(std::string_view kind) {
  if (kind.empty() || kind.size() > kMaxKindLength) return false;
  for (char c : kind) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

std::string canonical_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json to_json(const AuditRecord& record, bool with_hash) {
  nlohmann::json j = nlohmann::json::object();
  j["seq"] = record.seq;
  j["time"] = record.time;
  j["job_id"] = record.job_id;
  j["trace_id"] = record.trace_id;
  j["kind"] = record.kind;
  j["data"] = record.data.is_null() ? nlohmann::json::object() : record.data;
  j["prev"] = record.prev;
  if (with_hash) j["hash"] = record.hash;
  return j;
}

std::string record_line(const AuditRecord& record) { return canonical_json(to_json(record)); }

std::string compute_record_hash(const AuditRecord& record) {
  return sha256_hex(canonical_json(to_json(record, false)));
}

std::string read_record(const nlohmann::json& line, AuditRecord& out) {
  if (!line.is_object()) return "not a JSON object";
  for (const auto& [key, value] : line.items()) {
    bool known = false;
    for (auto f : kFields) known = known || key == f;
    if (!known) return "unexpected field " + shown(key);
  }
  for (auto f : kFields) {
    if (!line.contains(f)) return "field '" + std::string(f) + "' is missing";
  }
  const auto& seq = line["seq"];
  bool positive = false;
  if (seq.is_number_unsigned()) {
    const auto v = seq.get<std::uint64_t>();
    positive = v >= 1 && v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  } else if (seq.is_number_integer()) {
    positive = seq.get<std::int64_t>() >= 1;
  }
  if (!positive) return "seq is not a positive integer";
  out.seq = seq.get<std::int64_t>();
  for (auto f : {"time", "job_id", "trace_id", "kind", "prev", "hash"}) {
    if (!line[f].is_string()) return std::string("field '") + f + "' is not a string";
  }
  if (!line["data"].is_object()) return "field 'data' is not an object";
  out.time = line["time"].get<std::string>();
  const std::int64_t ms = parse_rfc3339_ms(out.time);
  if (ms < 0 || format_rfc3339_ms(ms) != out.time) {
    return "time " + shown(out.time) + " is not an RFC 3339 UTC time with milliseconds";
  }
  out.kind = line["kind"].get<std::string>();
  if (!is_valid_audit_kind(out.kind)) return "kind " + shown(out.kind) + " is not [a-z_]{1,64}";
  out.prev = line["prev"].get<std::string>();
  if (!is_hex_digest(out.prev)) return "prev is not 64 lower-case hex digits";
  out.hash = line["hash"].get<std::string>();
  if (!is_hex_digest(out.hash)) return "hash is not 64 lower-case hex digits";
  out.job_id = line["job_id"].get<std::string>();
  out.trace_id = line["trace_id"].get<std::string>();
  out.data = line["data"];
  return {};
}

}  // namespace triagent::audit
