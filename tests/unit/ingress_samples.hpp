#pragma once
// The webhook fixtures of tests/data/webhooks, for the ingress tests.
//
//   nlohmann::json threats = load_webhook_sample("s1_threats_v21_response.json");

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

namespace triagent::testing {

inline std::string read_webhook_sample_text(const std::string& name) {
  const std::string path = std::string(TRIAGENT_SOURCE_DIR) + "/tests/data/webhooks/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json load_webhook_sample(const std::string& name) {
  return nlohmann::json::parse(read_webhook_sample_text(name));
}

}  // namespace triagent::testing
