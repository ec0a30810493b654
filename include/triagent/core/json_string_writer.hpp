#pragma once
// Writes a JSON string exactly as nlohmann::json::dump(-1, ' ', false, error_handler_t::replace)
// would, without building a json value first.
//
//   std::string out = "{";
//   append_json_string(out, key); out += ':'; append_json_string(out, value); out += '}';
//
// evidence_analysis_input builds one small object per event for the analyzer, and intake one job
// payload per webhook; going through a nlohmann object (a std::map node and a string copy per
// field, then the serializer) was a visible share of the daemon's CPU in pipeline_bench and
// intake_bench. Byte-identical output keeps what they write unchanged.

#include <string>
#include <string_view>

namespace triagent {

void append_json_string(std::string& out, std::string_view s);

}  // namespace triagent
