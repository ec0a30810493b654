#pragma once
// Parsers for the delay a server asks for before the next attempt: `retry-after-ms` (OpenAI,
// Azure; milliseconds, fractions allowed) and `Retry-After` (RFC 9110: delay-seconds, which we also
// accept with a fraction, or an HTTP-date). Input is hostile header text: anything malformed yields
// nullopt, never an exception, and huge numbers saturate instead of overflowing.
//
//   auto ms = server_retry_delay_ms(h.get("retry-after-ms"), h.get("retry-after"), clock.now_ms());
//   if (ms && *ms <= cap) wait(*ms);

#include <cstdint>
#include <optional>
#include <string_view>

namespace triagent {

// The largest delay these parsers return: about 31 years; anything longer saturates here.
inline constexpr std::int64_t kMaxRetryAfterMs = std::int64_t{1} << 50;

// "250" or "250.5" (milliseconds, surrounding spaces allowed), rounded up to whole ms.
std::optional<std::int64_t> parse_retry_after_ms_value(std::string_view text);

// "120", "1.5" (seconds) or an HTTP-date. A date in the past gives 0.
std::optional<std::int64_t> parse_retry_after_value(std::string_view text, std::int64_t now_ms);

// HTTP-date in any of the three forms RFC 9110 section 5.6.7 requires recipients to accept:
// "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994".
// Epoch milliseconds, or nullopt when the text is not such a date.
std::optional<std::int64_t> parse_http_date_ms(std::string_view text);

// `retry-after-ms` when present and valid, else `Retry-After`. nullopt: neither gives a delay.
std::optional<std::int64_t> server_retry_delay_ms(std::optional<std::string_view> retry_after_ms,
                                                  std::optional<std::string_view> retry_after,
                                                  std::int64_t now_ms);

}  // namespace triagent
