#pragma once
// The two halves of writing a record. prepare_entry() runs on the appender's thread: it checks the
// kind, serialises (and if needed caps) `data`, and escapes the ids, which is the costly part.
// compose_line() runs on the writer thread once seq, time and prev are known: it only joins those
// pieces into the canonical line (byte for byte what record_line() would give) and hashes it.
//
//   PreparedEntry e = prepare_entry(job_id, trace_id, kind, std::move(data), 64 * 1024);
//   if (e.error) fail(*e.error);
//   ComposedLine c = compose_line(e, seq, format_rfc3339_ms(now), prev);   // c.line, c.hash

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "triagent/core/result.hpp"

namespace triagent::audit {

struct PreparedEntry {
  std::string job_id_json;    // the JSON string literal, quotes included
  std::string trace_id_json;
  std::string kind;           // valid when error is empty
  std::string data_text;      // canonical JSON of data (capped)
  bool truncated = false;     // data was over the cap
  std::optional<Error> error; // invalid input: nothing is written
};

PreparedEntry prepare_entry(std::string_view job_id, std::string_view trace_id, std::string_view kind,
                            nlohmann::json data, std::size_t max_data_bytes);

struct ComposedLine {
  std::string line;  // without the newline
  std::string hash;
};

ComposedLine compose_line(const PreparedEntry& entry, std::int64_t seq, std::string_view time, std::string_view prev);

}  // namespace triagent::audit
