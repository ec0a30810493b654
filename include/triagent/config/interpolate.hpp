#pragma once
// Interpolation of one config scalar: environment variables and secret files are spliced into the
// text after YAML parsing, so a value can never add YAML structure.
//
//   auto v = interpolate("${TRIAGENT_LISTEN:-127.0.0.1:8080}", process_environment());
//   if (!v) std::cerr << v.error().message;  // names the variable or file, never a value
//
// Grammar (NAME is [A-Za-z_][A-Za-z0-9_]*):
//   $$                   a literal '$'
//   $NAME  ${NAME}       the variable; an error when it is unset (set but empty gives "")
//   ${NAME:-word}        word when NAME is unset or empty
//   ${NAME-word}         word when NAME is unset
//   ${NAME:?message}     an error carrying message when NAME is unset or empty
//   ${NAME?message}      an error carrying message when NAME is unset
//   ${file:/path}        the file's content with one trailing "\n" or "\r\n" removed; at most
//                        64 KiB; a relative path is relative to the working directory
// A default `word` may itself hold any of these forms (`${TOKEN:-${file:/run/secrets/token}}`); it
// runs to its matching '}' and is expanded only when used. A message and a file path are literal
// text up to the first '}'. Any other '$' is an error: write "$$" for a literal dollar sign.
// The result must not contain '\n', '\r' or NUL.
//
// Error messages name the variable or the path, never a value: values are often secrets.

#include <cstddef>
#include <string>
#include <string_view>

#include "triagent/config/loader.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

// The largest file ${file:...} reads.
inline constexpr std::size_t kMaxInterpolatedFileBytes = 64 * 1024;

Result<std::string> interpolate(std::string_view value, const Environment& env);

}  // namespace triagent
