#include "triagent/config/interpolate.hpp"

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>

namespace triagent {
namespace {

// Deep enough for "${A:-${B:-${file:/x}}}", shallow enough that hostile text cannot exhaust the stack.
constexpr int kMaxNesting = 8;

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

Error interpolation_error(std::string message) { return make_error(ErrorCode::invalid_argument, std::move(message)); }

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

Result<std::string> read_secret_file(const std::string& path) {
  const std::string prefix = "cannot read file '" + path + "': ";
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) return interpolation_error(prefix + ec.message());
  // A FIFO or a device could block or never end; a secret is always a plain file.
  if (!std::filesystem::is_regular_file(status)) return interpolation_error(prefix + "not a regular file");
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return interpolation_error(prefix + std::generic_category().message(errno));
  // Read one byte more than allowed to tell "exactly the limit" from "over it".
  std::string content(kMaxInterpolatedFileBytes + 1, '\0');
  const std::size_t got = std::fread(content.data(), 1, content.size(), file.get());
  if (std::ferror(file.get())) return interpolation_error(prefix + "read error");
  if (got > kMaxInterpolatedFileBytes) {
    return interpolation_error("file '" + path + "' is larger than " + std::to_string(kMaxInterpolatedFileBytes) +
                               " bytes");
  }
  content.resize(got);
  // Editors and `echo` end files with a newline that is not part of the secret.
  if (content.ends_with("\r\n")) {
    content.resize(content.size() - 2);
  } else if (content.ends_with('\n')) {
    content.pop_back();
  }
  return content;
}

// A recursive-descent scanner over one value. With `evaluate` false it only checks the syntax, so a
// default that is not used never reads a variable or a file and never fails because of one.
class Expander {
 public:
  Expander(std::string_view text, const Environment& env) : text_(text), env_(env) {}

  Result<std::string> run() {
    std::string out;
    if (auto r = expand_word(/*in_braces=*/false, /*evaluate=*/true, out, 0); !r) return r.error();
    return out;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }

  // Expands up to the end of the text or, inside "${NAME:-", up to the closing '}' (left unread).
  Result<void> expand_word(bool in_braces, bool evaluate, std::string& out, int depth) {
    while (!at_end()) {
      const char c = text_[pos_];
      if (c == '}' && in_braces) return {};
      if (c != '$') {
        if (evaluate) out += c;
        ++pos_;
        continue;
      }
      if (auto r = expand_dollar(evaluate, out, depth); !r) return r;
    }
    if (in_braces) return interpolation_error("unterminated '${'");
    return {};
  }

  Result<void> expand_dollar(bool evaluate, std::string& out, int depth) {
    ++pos_;  // the '$'
    if (at_end()) return interpolation_error("'$' at the end of the value (write '$$' for a literal '$')");
    const char c = text_[pos_];
    if (c == '$') {
      if (evaluate) out += '$';
      ++pos_;
      return {};
    }
    if (is_name_start(c)) {
      const std::string name = read_name();
      return evaluate ? append_variable(name, out) : Result<void>{};
    }
    if (c == '{') {
      ++pos_;
      return expand_braces(evaluate, out, depth + 1);
    }
    return interpolation_error("'$' must be followed by a variable name, '{' or '$' (write '$$' for a literal '$')");
  }

  // After "${".
  Result<void> expand_braces(bool evaluate, std::string& out, int depth) {
    if (depth > kMaxNesting) return interpolation_error("interpolation is nested too deeply");
    if (text_.substr(pos_).starts_with("file:")) {
      pos_ += 5;
      auto path = read_literal_to_brace();
      if (!path) return path.error();
      if (path->empty()) return interpolation_error("'${file:}' needs a path");
      if (!evaluate) return {};
      auto content = read_secret_file(*path);
      if (!content) return content.error();
      out += *content;
      return {};
    }
    if (at_end() || !is_name_start(text_[pos_])) {
      return interpolation_error("'${' must be followed by a variable name or 'file:'");
    }
    const std::string name = read_name();
    if (at_end()) return interpolation_error("unterminated '${'");
    char op = text_[pos_];
    if (op == '}') {
      ++pos_;
      return evaluate ? append_variable(name, out) : Result<void>{};
    }
    const bool colon = op == ':';
    if (colon) {
      ++pos_;
      op = at_end() ? '\0' : text_[pos_];
    }
    if (op != '-' && op != '?') {
      return interpolation_error("expected '}', ':-', '-', ':?' or '?' after the variable name " + name);
    }
    ++pos_;
    std::optional<std::string> value = evaluate ? env_.get(name) : std::nullopt;
    // The colon forms also treat an empty value as missing, like the shell.
    const bool missing = evaluate && (!value || (colon && value->empty()));
    if (op == '-') {
      std::string fallback;
      if (auto r = expand_word(/*in_braces=*/true, missing, fallback, depth); !r) return r;
      ++pos_;  // the closing '}'
      if (evaluate) out += missing ? fallback : *value;
      return {};
    }
    auto message = read_literal_to_brace();
    if (!message) return message.error();
    if (!missing) {
      if (evaluate) out += *value;
      return {};
    }
    std::string problem = "environment variable " + name + (value ? " is empty" : " is not set");
    if (!message->empty()) problem += ": " + *message;
    return interpolation_error(std::move(problem));
  }

  std::string read_name() {
    const std::size_t start = pos_;
    while (!at_end() && is_name_char(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  // A file path or a message: taken as written, up to the first '}', which is consumed.
  Result<std::string> read_literal_to_brace() {
    const std::size_t end = text_.find('}', pos_);
    if (end == std::string_view::npos) return interpolation_error("unterminated '${'");
    std::string literal(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return literal;
  }

  Result<void> append_variable(const std::string& name, std::string& out) const {
    auto value = env_.get(name);
    if (!value) return interpolation_error("environment variable " + name + " is not set");
    out += *value;
    return {};
  }

  std::string_view text_;
  const Environment& env_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<std::string> interpolate(std::string_view value, const Environment& env) {
  // Fast path: most scalars hold no '$'.
  std::string out;
  if (value.find('$') == std::string_view::npos) {
    out = std::string(value);
  } else {
    auto expanded = Expander(value, env).run();
    if (!expanded) return expanded.error();
    out = std::move(*expanded);
  }
  // One config value is one line: a newline from an env var or a file must not smuggle in a header
  // line, a log line or YAML structure downstream.
  if (out.find_first_of("\r\n") != std::string::npos) return interpolation_error("value would contain a newline");
  if (out.find('\0') != std::string::npos) return interpolation_error("value would contain a NUL byte");
  return out;
}

}  // namespace triagent
