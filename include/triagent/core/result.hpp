#pragma once
// Result<T>: a value or an Error, for expected failures (bad input, a full queue, an upstream 429).
// Exceptions are kept for start-up and programming errors; everything on the data path returns this.
//
//   Result<int> parse_port(std::string_view s);
//   auto port = parse_port("8080");
//   if (!port) log(port.error().message);   else use(*port);

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace triagent {

enum class ErrorCode {
  invalid_argument,   // the caller's input is wrong: a 400
  unauthenticated,    // missing or wrong credentials: a 401
  forbidden,          // authenticated but not allowed: a 403
  not_found,          // a 404
  conflict,           // the target is in a state that forbids the operation: a 409
  too_large,          // a size limit was exceeded: a 413
  overloaded,         // back-pressure: a 503 with Retry-After
  unavailable,        // a dependency failed or is closed (store, upstream)
  timeout,
  cancelled,
  internal,           // a bug or an impossible state
};

const char* to_string(ErrorCode code);

struct Error {
  Error() = default;
  Error(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}

  ErrorCode code = ErrorCode::internal;
  std::string message;
  // The HTTP status an upstream answered when that answer caused this error; 0 when none did.
  int upstream_status = 0;
  // Set when the same work may succeed later: hand the job back to the queue, visible after this.
  std::optional<std::int64_t> retry_after_ms;
};

template <class T>
class [[nodiscard]] Result {
 public:
  // Implicit by design. By reference, not by value: a by-value parameter cost one more move of
  // the whole T on every return (an Incident moved twelve times per webhook).
  Result(const T& value) : v_(std::in_place_index<0>, value) {}       // NOLINT
  Result(T&& value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void> carries only success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT
  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace triagent
