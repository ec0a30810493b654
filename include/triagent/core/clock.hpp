#pragma once
// Clock: the one source of wall time for leases, backoff, replay windows and rate limits.
// Production code takes a `Clock&`; tests pass a ManualClock and move time by hand, so no test sleeps.
//
//   ManualClock clock(1'700'000'000'000);
//   queue.lease(...);            // lease expires at now + 30 s
//   clock.advance(std::chrono::seconds(31));

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace triagent {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual std::int64_t now_ms() const = 0;
  std::int64_t now_seconds() const { return now_ms() / 1000; }
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override;
  static SystemClock& instance();
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  std::int64_t now_ms() const override { return now_.load(); }
  void set_ms(std::int64_t ms) { now_.store(ms); }
  void advance(std::chrono::milliseconds d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> now_;
};

// RFC 3339 UTC with milliseconds, e.g. 2026-11-22T10:15:30.123Z.
std::string format_rfc3339_ms(std::int64_t epoch_ms);
// Parses RFC 3339 / ISO-8601 timestamps ("2023-10-23T00:00:00.000Z", "+00:00" offsets, no fraction)
// into epoch milliseconds. Returns -1 when the text is not such a timestamp.
std::int64_t parse_rfc3339_ms(std::string_view text);

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(int year, unsigned month, unsigned day);

}  // namespace triagent
