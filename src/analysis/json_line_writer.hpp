#pragma once
// JsonLineWriter: builds one JSON line through a pointer into a per-thread buffer, then appends it
// to a string in one copy; for the enriched line classify writes for every event. The line is
// mostly short separators, keys and plain values, and an append call for each (a capacity check,
// a length update and a memcpy call) cost more than their bytes. Here a piece is one room check
// and a copy, of fixed size for the literal separators, all inlined. The buffer only grows, so it
// is not cleared or zero-filled per line (as making room in a std::string would be).
//
//   JsonLineWriter w(512);
//   w.raw("{\"a\":");
//   w.quoted(value);          // "value", escaped as append_json_escaped() does
//   w.raw('}');
//   w.finish(out);

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/analysis/json_flatten.hpp"

namespace triagent::analysis {

class JsonLineWriter {
 public:
  // `expect`: the bytes the line will likely take; the buffer grows further when needed.
  explicit JsonLineWriter(std::size_t expect) : buf_(buffer()) {
    if (buf_.size() < expect) buf_.resize(expect);
    p_ = buf_.data();
    end_ = p_ + buf_.size();
  }
  JsonLineWriter(const JsonLineWriter&) = delete;
  JsonLineWriter& operator=(const JsonLineWriter&) = delete;

  [[gnu::always_inline]] void raw(std::string_view s) {
    room(s.size());
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  [[gnu::always_inline]] void raw(char c) {
    room(1);
    *p_++ = c;
  }
  // s as the body of a JSON string, escaped (append_json_escaped).
  [[gnu::always_inline]] void escaped(std::string_view s) {
    if (is_json_plain(s)) {
      raw(s);
    } else {
      escaped_slow(s);
    }
  }
  void quoted(std::string_view s) {
    raw('"');
    escaped(s);
    raw('"');
  }
  void finish(std::string& out) { out.append(buf_.data(), static_cast<std::size_t>(p_ - buf_.data())); }

 private:
  std::vector<char>& buf_;
  char* p_;    // where the next byte goes
  char* end_;  // the end of the buffer

  static std::vector<char>& buffer() {
    thread_local std::vector<char> b;
    return b;
  }
  [[gnu::always_inline]] void room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
  }
  [[gnu::noinline]] void grow(std::size_t n) {
    const auto used = static_cast<std::size_t>(p_ - buf_.data());
    buf_.resize(std::max(used + n, 2 * buf_.size()) + 256);
    p_ = buf_.data() + used;
    end_ = buf_.data() + buf_.size();
  }
  [[gnu::noinline]] void escaped_slow(std::string_view s) {  // a string with bytes to escape
    thread_local std::string escaped;
    escaped.clear();
    append_json_escaped(escaped, s);
    raw(escaped);
  }
};

}  // namespace triagent::analysis
