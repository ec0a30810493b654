// Fuzz target: read_json_fast against nlohmann's parser. Beyond "no crash", what the fast reader
// accepts nlohmann must accept as the same value, type for type (doubles bit for bit), and
// parse_untrusted_json must answer exactly when nlohmann does within the nesting limit.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

#include "core/json_fast_reader.hpp"
#include "triagent/core/json_safety.hpp"

namespace {

using json = nlohmann::json;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fast JSON reader contract violated: %s\n", what);
    std::abort();
  }
}

bool same(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
      if (ia.key() != ib.key() || !same(*ia, *ib)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_number_float()) {
    const double x = a.get<double>(), y = b.get<double>();
    return std::memcmp(&x, &y, sizeof x) == 0;
  }
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool within_depth = triagent::json_nesting_depth(text, triagent::kMaxJsonDepth) <= triagent::kMaxJsonDepth;
  std::optional<json> reference;
  if (within_depth) {  // nlohmann's own recursion (destruction, comparison) is what the limit guards
    try {
      reference = json::parse(text);
    } catch (const json::exception&) {
    }
  }
  const auto fast = triagent::detail::read_json_fast(text, triagent::kMaxJsonDepth);
  if (fast) {
    require(reference.has_value(), "accepted a text nlohmann refuses");
    require(same(*fast, *reference), "built a different value");
  }
  const auto answer = triagent::parse_untrusted_json(text);
  require(answer.has_value() == reference.has_value(), "answered differently from nlohmann");
  if (answer) require(same(*answer, *reference), "answered a different value");
  return 0;
}
