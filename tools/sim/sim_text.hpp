#pragma once
// Small text helpers shared by the simulator's routes: case folding, percent-decoding, base64
// (opaque cursors), stable hashes (deterministic ids), times (ISO-8601 <-> epoch ns) and gunzip.
//
//   auto ns = parse_time_ns("2025-11-18T14:02:31.120Z");   // epoch nanoseconds
//   std::string cursor = base64_encode("{\"offset\":10}");
//   std::string id = hex64(fnv1a64(prompt));                 // same prompt, same id

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace triagent::sim {

std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool icontains(std::string_view haystack, std::string_view needle);
bool starts_with_icase(std::string_view s, std::string_view prefix);
std::string_view trim_view(std::string_view s);

std::string percent_decode(std::string_view s, bool plus_is_space);
std::map<std::string, std::string> parse_query_string(std::string_view query);

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

std::uint64_t fnv1a64(std::string_view bytes);
std::string hex64(std::uint64_t value);  // 16 lower-case hex digits

// ISO-8601 UTC ("2025-11-18T14:02:31Z", fractional seconds and +hh:mm offsets accepted) to epoch ns.
std::optional<std::int64_t> parse_iso_ns(std::string_view text);
// Epoch ns to "2025-11-18T14:02:31.120000Z" (microseconds, as the S1 API writes times).
std::string format_iso_micros(std::int64_t ns);
// Epoch ns to "2025-11-18T14:02:31.120Z" (milliseconds, as UAM and DV events write times).
std::string format_iso_millis(std::int64_t ns);

// A DataSet/LRQ time bound: "" (=> `dflt`), relative ("24h", "30m", "2d", "15s", "500ms" before
// `now_ns`), ISO-8601, or epoch seconds / milliseconds / nanoseconds by magnitude. JSON numbers
// arrive here as their decimal text.
std::optional<std::int64_t> parse_time_bound(std::string_view text, std::int64_t now_ns, std::int64_t dflt);

// Decompresses a gzip or zlib stream; nullopt when it is corrupt or inflates past `max_bytes`.
std::optional<std::string> gunzip(std::string_view compressed, std::size_t max_bytes);

}  // namespace triagent::sim
