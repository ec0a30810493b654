// Fuzzes parse_power_query and validate_power_query: no crash, no unbounded recursion, and the
// canonical text of a valid query validates again to the same text (the printer and the parser agree).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "triagent/hunt/power_query_parser.hpp"
#include "triagent/hunt/power_query_validator.hpp"

namespace {

const triagent::hunt::FieldCatalogue& catalogue() {
  static const triagent::hunt::FieldCatalogue cat({{"src.process.name", ""}, {"src.process.pid", ""},
                                                   {"endpoint.name", ""}, {"event.type", ""}, {"dst.ip.address", ""},
                                                   {"a", ""}, {"b", ""}, {"message", ""}});
  return cat;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)triagent::hunt::parse_power_query(text);
  triagent::hunt::HuntPolicy policy;
  auto v = triagent::hunt::validate_power_query(text, policy, catalogue());
  if (v.ok) {
    auto again = triagent::hunt::validate_power_query(v.text, policy, catalogue());
    if (!again.ok || again.text != v.text) std::abort();
  }
  return 0;
}
