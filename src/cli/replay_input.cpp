#include "cli/replay_input.hpp"

#include <map>
#include <memory>

#include "triagent/core/json_safety.hpp"
#include "triagent/ingress/normalizer.hpp"

namespace triagent::cli {

namespace {

// Every known source, configured or not: a replay of a source the daemon has switched off is
// still a useful test of its normalizer.
std::map<std::string, std::unique_ptr<Normalizer>> all_normalizers(const Config& cfg) {
  std::map<std::string, std::unique_ptr<Normalizer>> out;
  for (const auto& name : known_webhook_sources()) {
    WebhookSourceConfig source_cfg;
    if (auto it = cfg.webhooks.sources.find(name); it != cfg.webhooks.sources.end()) source_cfg = it->second;
    if (auto n = make_normalizer(name, source_cfg)) out.emplace(name, std::move(n));
  }
  return out;
}

ReplayEntry entry_of(const std::string& line, std::size_t number,
                     const std::map<std::string, std::unique_ptr<Normalizer>>& normalizers) {
  ReplayEntry e;
  e.line = number;
  auto parsed = parse_untrusted_json(line);
  if (!parsed || !parsed->is_object()) {
    e.error = "not a JSON object" + (parsed ? std::string() : ": " + parsed.error().message);
    return e;
  }
  const auto& record = *parsed;
  if (!record.contains("source") || !record["source"].is_string()) {
    e.error = "missing \"source\" (dataset, singularity, vigilance or generic)";
    return e;
  }
  e.source = record["source"].get<std::string>();
  auto normalizer = normalizers.find(e.source);
  if (normalizer == normalizers.end()) {
    e.error = "unknown source '" + e.source + "'";
    return e;
  }
  if (!record.contains("body") || !record["body"].is_object()) {
    e.error = "missing \"body\" (the webhook's JSON object)";
    return e;
  }
  auto incident = normalizer->second->normalize(record["body"]);
  if (!incident) {
    e.error = incident.error().message;
    return e;
  }
  e.external_id = incident->external_id;
  e.payload = nlohmann::json(*incident).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return e;
}

}  // namespace

std::vector<ReplayEntry> read_replay_input(std::istream& in, const Config& cfg, std::size_t max_line_bytes) {
  auto normalizers = all_normalizers(cfg);
  std::vector<ReplayEntry> out;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (line.size() > max_line_bytes) {
      ReplayEntry e;
      e.line = number;
      e.error = "line longer than " + std::to_string(max_line_bytes) + " bytes";
      out.push_back(std::move(e));
      continue;
    }
    out.push_back(entry_of(line, number, normalizers));
  }
  return out;
}

}  // namespace triagent::cli
