#include "audit/record_composer.hpp"

#include "audit/data_cap.hpp"
#include "audit/sha256.hpp"
#include "triagent/audit/audit_record.hpp"

namespace triagent::audit {

namespace {

std::string json_string(std::string_view s) {
  std::string clipped(s.substr(0, kMaxIdLength));
  // Back off a cut UTF-8 sequence (continuation bytes 10xxxxxx) instead of letting it become U+FFFD.
  if (s.size() > kMaxIdLength) {
    std::size_t end = kMaxIdLength;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    clipped.resize(end);
  }
  return canonical_json(clipped);
}

// U+FFFD in the output means invalid UTF-8 was replaced, possibly in object keys, where two keys
// may now collide or sort differently than their raw bytes did. One parse and dump settles it, so
// the text written is exactly what a verifier's parse-and-dump gives back.
std::string settled_text(nlohmann::json& data) {
  std::string text = canonical_json(data);
  if (text.find("\xEF\xBF\xBD") != std::string::npos) {
    data = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    text = canonical_json(data);
  }
  return text;
}

}  // namespace

PreparedEntry prepare_entry(std::string_view job_id, std::string_view trace_id, std::string_view kind,
                            nlohmann::json data, std::size_t max_data_bytes) {
  PreparedEntry e;
  if (!is_valid_audit_kind(kind)) {
    e.error = make_error(ErrorCode::invalid_argument,
                         "audit kind '" + std::string(kind.substr(0, kMaxKindLength)) + "' is not [a-z_]{1,64}");
    return e;
  }
  if (data.is_null()) data = nlohmann::json::object();
  if (!data.is_object()) {
    e.error = make_error(ErrorCode::invalid_argument, std::string("audit data must be a JSON object, not ") + data.type_name());
    return e;
  }
  e.kind = std::string(kind);
  e.job_id_json = json_string(job_id);
  e.trace_id_json = json_string(trace_id);
  e.data_text = settled_text(data);
  if (e.data_text.size() > max_data_bytes) {
    e.data_text = cap_data(data, e.data_text.size(), max_data_bytes);
    e.truncated = true;
  }
  return e;
}

ComposedLine compose_line(const PreparedEntry& entry, std::int64_t seq, std::string_view time, std::string_view prev) {
  // Keys in byte order, as nlohmann's std::map dumps them: data, hash, job_id, kind, prev, seq,
  // time, trace_id. The hash input is the same text without the "hash" member.
  std::string rest;
  rest.reserve(entry.job_id_json.size() + entry.trace_id_json.size() + entry.kind.size() + prev.size() + 96);
  rest.append(",\"job_id\":").append(entry.job_id_json);
  rest.append(",\"kind\":\"").append(entry.kind);
  rest.append("\",\"prev\":\"").append(prev);
  rest.append("\",\"seq\":").append(std::to_string(seq));
  rest.append(",\"time\":\"").append(time);
  rest.append("\",\"trace_id\":").append(entry.trace_id_json);
  rest.append("}");

  Sha256 h;
  h.update("{\"data\":");
  h.update(entry.data_text);
  h.update(rest);
  ComposedLine out;
  out.hash = h.hex();
  out.line.reserve(entry.data_text.size() + rest.size() + 90);
  out.line.append("{\"data\":").append(entry.data_text);
  out.line.append(",\"hash\":\"").append(out.hash).append("\"");
  out.line.append(rest);
  return out;
}

}  // namespace triagent::audit
