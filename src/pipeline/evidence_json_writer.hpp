#pragma once
// Writes a JSON string exactly as nlohmann::json::dump(-1, ' ', false, error_handler_t::replace)
// would, without building a json value first. Private to src/pipeline.
//
//   std::string out = "{";
//   append_json_string(out, key); out += ':'; append_json_string(out, value); out += '}';
//
// evidence_analysis_input builds one small object per event for the analyzer; going through a
// nlohmann object (a std::map node and a string copy per field, then the serializer) was a
// visible share of the daemon's CPU in pipeline_bench. Byte-identical output keeps the analyzer's
// input, and so its verdicts, unchanged.

#include <string>
#include <string_view>

namespace triagent::evidence_json {

void append_json_string(std::string& out, std::string_view s);

}  // namespace triagent::evidence_json
