// Fuzz target: every webhook normalizer on arbitrary bytes, parsed as the HTTP route parses them
// (nlohmann::json without exceptions). Beyond "no crash", it checks the normalizer contract on
// every success: a bounded, serializable incident with an id.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "triagent/ingress/normalizer.hpp"

namespace {

using triagent::Incident;
using triagent::Normalizer;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "normalizer contract violated: %s\n", what);
    std::abort();
  }
}

std::vector<std::unique_ptr<Normalizer>> all_normalizers() {
  std::vector<std::unique_ptr<Normalizer>> out;
  for (const auto& source : triagent::known_webhook_sources()) {
    out.push_back(triagent::make_normalizer(source, triagent::WebhookSourceConfig{}));
  }
  // A custom mapping with escaped, indexed and malformed pointers.
  triagent::WebhookSourceConfig custom;
  triagent::FieldMapping m;
  m.external_id = "/a/0";
  m.title = "/a~1b";
  m.severity = "/s/~0";
  m.time = "/t/1";
  m.tenant = "/";
  m.hosts = {"/h", "/h/0", "h", "/~2"};
  m.hashes = {"/x", "/x/-"};
  m.ips = {""};
  custom.mapping = m;
  out.push_back(triagent::make_normalizer("generic", custom));
  return out;
}

void check_incident(const Incident& inc) {
  require(!inc.external_id.empty() && inc.external_id.size() <= 256, "external id size");
  require(inc.title.size() <= 512, "title size");
  require(inc.time_ms >= 0, "time");
  require(!inc.kind.empty() && !inc.source.empty(), "kind and source");
  const nlohmann::json j = inc;     // the queue stores this; it must serialize...
  const std::string text = j.dump();  // ...which throws on invalid UTF-8
  for (const auto& [name, list] : j["entities"].items()) {
    require(list.size() <= 256, "entity list size");
    for (const auto& v : list) require(v.get_ref<const std::string&>().size() <= 1024, "entity size");
  }
  const Incident back = nlohmann::json::parse(text).get<Incident>();
  require(back.external_id == inc.external_id && back.severity == inc.severity, "round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto normalizers = all_normalizers();
  const nlohmann::json body = nlohmann::json::parse(data, data + size, nullptr, false);
  if (body.is_discarded()) return 0;
  for (const auto& n : normalizers) {
    auto inc = n->normalize(body);
    if (inc) {
      check_incident(*inc);
    } else {
      require(!inc.error().message.empty(), "error without a message");
    }
  }
  return 0;
}
