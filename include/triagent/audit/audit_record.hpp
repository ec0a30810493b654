#pragma once
// AuditRecord: one line of the hash-chained audit trail (<audit dir>/audit.jsonl), and the one
// canonical serialisation that both the writer and every verifier use. docs/audit.md has the
// format for tools outside this code base.
//
//   {"data":{...},"hash":"<64 hex>","job_id":"42","kind":"llm_call","prev":"<64 hex>",
//    "seq":7,"time":"2026-11-22T10:15:30.123Z","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}
//
//   seq   1, 2, 3 ... without gaps
//   prev  hex SHA-256 of the previous record's line (its bytes without the newline); 64 zeros
//         for seq 1
//   hash  hex SHA-256 of canonical_json(the record without "hash")
//
// Canonical JSON is nlohmann::json::dump() with no indentation, keys in byte order (nlohmann's
// default std::map), UTF-8 as is (ensure_ascii=false) and invalid UTF-8 replaced by U+FFFD. Each
// line is itself the canonical JSON of the whole record, so a record that was re-serialised in any
// way (spaces, key order, escapes) no longer verifies.
//
//   if (!is_valid_audit_kind(kind)) ...;
//   std::string text = canonical_json(record_json);

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace triagent::audit {

// The `kind`s the pipeline writes. The set is open: any name matching [a-z_]{1,64} is accepted.
namespace kind {
inline constexpr std::string_view webhook = "webhook";
inline constexpr std::string_view query = "query";
inline constexpr std::string_view llm_call = "llm_call";
inline constexpr std::string_view validation = "validation";
inline constexpr std::string_view fallback = "fallback";
inline constexpr std::string_view redaction = "redaction";
inline constexpr std::string_view leak_blocked = "leak_blocked";
inline constexpr std::string_view action_proposed = "action_proposed";
inline constexpr std::string_view approval_requested = "approval_requested";
inline constexpr std::string_view approval_decided = "approval_decided";
inline constexpr std::string_view action_executed = "action_executed";
inline constexpr std::string_view delivery = "delivery";
inline constexpr std::string_view feedback = "feedback";
inline constexpr std::string_view config = "config";
}  // namespace kind

inline constexpr std::size_t kMaxKindLength = 64;
// job_id and trace_id longer than this are cut (at a UTF-8 boundary) rather than rejected.
inline constexpr std::size_t kMaxIdLength = 256;
// `prev` of the first record.
inline constexpr std::string_view kGenesisPrev = "0000000000000000000000000000000000000000000000000000000000000000";

// [a-z_]{1,64}
bool is_valid_audit_kind(std::string_view kind);

struct AuditRecord {
  std::int64_t seq = 0;
  std::string time;  // RFC 3339 UTC with milliseconds
  std::string job_id;
  std::string trace_id;
  std::string kind;
  nlohmann::json data = nlohmann::json::object();
  std::string prev;
  std::string hash;
};

// What append() hands back: enough to cite the record (in a job's result, an API answer).
struct AuditRecordRef {
  std::int64_t seq = 0;
  std::string hash;
};

// nlohmann dump, no indentation, ensure_ascii=false, invalid UTF-8 replaced.
std::string canonical_json(const nlohmann::json& value);

// The record as a JSON object; without "hash" when `with_hash` is false (the hash input).
nlohmann::json to_json(const AuditRecord& record, bool with_hash = true);
// The record's line in the file (without the newline): canonical_json(to_json(record)).
std::string record_line(const AuditRecord& record);
// hex SHA-256 of canonical_json(to_json(record, false)): what `hash` must be.
std::string compute_record_hash(const AuditRecord& record);
// Lower-case hex SHA-256 of `bytes` (used for `prev`, which hashes the previous line).
std::string sha256_hex(std::string_view bytes);

// Reads a parsed line into a record, checking the field set and each field's type and form
// (seq >= 1, kind, RFC 3339 time, 64-hex prev and hash, data an object). Returns the problem in
// words, or an empty string when the record is well formed. It does not check the hashes.
std::string read_record(const nlohmann::json& line, AuditRecord& out);

}  // namespace triagent::audit
