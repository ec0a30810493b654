#include "triagent/hunt/hunt_runtime.hpp"

#include <yaml-cpp/yaml.h>

#include "triagent/connectors/llm_chain.hpp"
#include "triagent/connectors/llm_factory.hpp"
#include "triagent/hunt/field_catalogue.hpp"
#include "triagent/hunt/hunt_config_yaml.hpp"
#include "triagent/hunt/hunt_prompt.hpp"
#include "triagent/hunt/hunt_templates.hpp"

namespace triagent::hunt {

Result<HuntConfig> hunt_config_of(const Config& cfg) {
  auto it = cfg.module_sections.find("hunt");
  if (it == cfg.module_sections.end()) return HuntConfig{};
  const std::string where = cfg.source_name + ":" + std::to_string(it->second.line) + ": ";
  try {
    auto parsed = parse_hunt_config(YAML::Load(it->second.yaml));
    if (!parsed) return Error(ErrorCode::invalid_argument, where + parsed.error().message);
    return *parsed;
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::invalid_argument, where + "hunt: " + e.what());
  }
}

Result<std::unique_ptr<HuntRuntime>> build_hunt_runtime(const Config& cfg, const HuntConfig& hunt_cfg, bool want_llm,
                                                        audit::AuditLog* audit) {
  auto rt = std::make_unique<HuntRuntime>();
  rt->http = make_curl_http_client(cfg.http_client);
  std::vector<std::unique_ptr<LlmProvider>> providers;
  if (want_llm) {
    for (const auto& pc : cfg.llm.providers) {
      if (pc.kind == LlmProviderKind::builtin) continue;
      auto p = make_llm_provider(pc, rt->upstream(cfg, pc.name, effective_base_url(pc)));
      if (!p) return Error(p.error().code, "llm.providers: " + p.error().message);
      providers.push_back(std::move(*p));
    }
  }
  if (providers.size() == 1) rt->llm = std::move(providers.front());
  else if (!providers.empty()) rt->llm = std::make_unique<LlmProviderChain>("llm", std::move(providers));
  if (const auto& ds = cfg.connectors.dataset; ds && !ds->read_key.empty()) {
    rt->dataset = std::make_unique<DataSetClient>(read_only_dataset_config(*ds), rt->upstream(cfg, "dataset", ds->base_url));
  }
  auto catalogue = FieldCatalogue::load_file(hunt_cfg.field_catalogue);
  if (!catalogue) return Error(catalogue.error().code, "hunt.field_catalogue: " + catalogue.error().message);
  auto templates = HuntTemplates::load_file(hunt_cfg.templates);
  if (!templates) return Error(templates.error().code, "hunt.templates: " + templates.error().message);
  auto system = load_hunt_system_prompt(hunt_cfg.prompts_dir, *catalogue, *templates, hunt_cfg.policy());
  if (!system) return Error(system.error().code, "hunt.prompts_dir: " + system.error().message);
  rt->service = std::make_unique<HuntService>(hunt_cfg, std::move(*catalogue), std::move(*templates), *system,
                                              HuntServices{rt->llm.get(), rt->dataset.get(), audit, nullptr});
  return rt;
}

}  // namespace triagent::hunt
