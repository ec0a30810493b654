#pragma once
// ConcurrencyLimiter: at most `limit` calls in flight to one upstream (Envoy's max_requests
// circuit-breaking threshold). A full limiter says no at once; it never blocks a thread.
//
//   ConcurrencyLimiter limiter(16);
//   if (!limiter.try_acquire()) retry_soon();
//   ... call ...; limiter.release();
//
// Not thread-safe; UpstreamPolicy serialises it. A limit of 0 means unlimited.

#include <cstdint>

namespace triagent {

class ConcurrencyLimiter {
 public:
  explicit ConcurrencyLimiter(int limit) : limit_(limit) {}

  bool has_room() const { return limit_ <= 0 || in_flight_ < limit_; }
  bool try_acquire() {
    if (!has_room()) {
      ++rejected_;
      return false;
    }
    ++in_flight_;
    return true;
  }
  // Releasing more than was acquired is a bug in the caller's bookkeeping.
  void release();

  int in_flight() const { return in_flight_; }
  int limit() const { return limit_; }
  std::int64_t rejected() const { return rejected_; }

 private:
  int limit_;
  int in_flight_ = 0;
  std::int64_t rejected_ = 0;
};

}  // namespace triagent
