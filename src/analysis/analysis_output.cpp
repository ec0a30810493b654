#include "triagent/analysis/analysis_output.hpp"

#include <array>
#include <utility>

namespace triagent::analysis {
namespace {

constexpr std::array<std::pair<Verdict, const char*>, 4> kVerdicts = {{
    {Verdict::true_positive, "true_positive"},
    {Verdict::suspicious, "suspicious"},
    {Verdict::false_positive, "false_positive"},
    {Verdict::undefined, "undefined"},
}};

constexpr std::array<std::pair<IocType, const char*>, 11> kIocTypes = {{
    {IocType::ipv4, "ipv4"},
    {IocType::ipv6, "ipv6"},
    {IocType::domain, "domain"},
    {IocType::url, "url"},
    {IocType::email, "email"},
    {IocType::md5, "md5"},
    {IocType::sha1, "sha1"},
    {IocType::sha256, "sha256"},
    {IocType::file_path, "file_path"},
    {IocType::registry_key, "registry_key"},
    {IocType::cve, "cve"},
}};

constexpr std::array<std::pair<AssetKind, const char*>, 4> kAssetKinds = {{
    {AssetKind::host, "host"},
    {AssetKind::user, "user"},
    {AssetKind::account, "account"},
    {AssetKind::service, "service"},
}};

template <class E, std::size_t N>
const char* name_of(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return table[0].second;
}

template <class E, std::size_t N>
std::optional<E> parse_name(const std::array<std::pair<E, const char*>, N>& table, std::string_view s) {
  for (const auto& [v, name] : table) {
    if (s == name) return v;
  }
  return std::nullopt;
}

// The typed readers below are for our own documents: at() and get<>() throw on a wrong one.
template <class E>
E enum_at(const nlohmann::json& j, const char* key, std::optional<E> (*parse)(std::string_view)) {
  const std::string s = j.at(key).get<std::string>();
  auto v = parse(s);
  if (!v) throw std::invalid_argument(std::string(key) + ": unknown value '" + s + "'");
  return *v;
}

std::vector<std::string> ids_or_empty(const nlohmann::json& j) {
  if (!j.contains("evidence_ids")) return {};
  return j.at("evidence_ids").get<std::vector<std::string>>();
}

}  // namespace

const char* to_string(Verdict v) { return name_of(kVerdicts, v); }
const char* to_string(IocType t) { return name_of(kIocTypes, t); }
const char* to_string(AssetKind k) { return name_of(kAssetKinds, k); }
std::optional<Verdict> parse_verdict(std::string_view s) { return parse_name(kVerdicts, s); }
std::optional<IocType> parse_ioc_type(std::string_view s) { return parse_name(kIocTypes, s); }
std::optional<AssetKind> parse_asset_kind(std::string_view s) { return parse_name(kAssetKinds, s); }

std::optional<Severity> parse_output_severity(std::string_view s) {
  for (auto v : {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical}) {
    if (s == to_string(v)) return v;
  }
  return std::nullopt;
}

Severity severity_for_score(int score) {
  return score >= 80   ? Severity::critical
         : score >= 60 ? Severity::high
         : score >= 40 ? Severity::medium
         : score >= 20 ? Severity::low
                       : Severity::info;
}

void to_json(nlohmann::json& j, const AnalysisOutput& o) {
  j = nlohmann::json::object();
  j["summary"] = o.summary;
  j["severity"] = o.severity == Severity::unknown ? "info" : to_string(o.severity);
  j["severity_score"] = o.severity_score;
  j["confidence"] = o.confidence;
  j["verdict"] = to_string(o.verdict);
  auto& techniques = j["techniques"] = nlohmann::json::array();
  for (const auto& t : o.techniques) {
    techniques.push_back({{"id", t.id}, {"name", t.name}, {"evidence_ids", t.evidence_ids}});
  }
  auto& iocs = j["iocs"] = nlohmann::json::array();
  for (const auto& i : o.iocs) {
    iocs.push_back({{"type", to_string(i.type)}, {"value", i.value}, {"evidence_ids", i.evidence_ids}});
  }
  auto& assets = j["impacted_assets"] = nlohmann::json::array();
  for (const auto& a : o.impacted_assets) assets.push_back({{"kind", to_string(a.kind)}, {"name", a.name}});
  auto& timeline = j["timeline"] = nlohmann::json::array();
  for (const auto& t : o.timeline) {
    timeline.push_back({{"time", t.time}, {"event", t.event}, {"evidence_ids", t.evidence_ids}});
  }
  j["root_cause"] = o.root_cause;
  auto& actions = j["recommended_actions"] = nlohmann::json::array();
  for (const auto& a : o.recommended_actions) {
    actions.push_back({{"action", a.action},
                       {"params", a.params.is_object() ? a.params : nlohmann::json::object()},
                       {"reason", a.reason}});
  }
  j["tags"] = o.tags;
  j["evidence_ids"] = o.evidence_ids;
}

void from_json(const nlohmann::json& j, AnalysisOutput& o) {
  o = AnalysisOutput{};
  o.summary = j.at("summary").get<std::string>();
  o.severity = enum_at<Severity>(j, "severity", &parse_output_severity);
  o.severity_score = j.at("severity_score").get<int>();
  o.confidence = j.at("confidence").get<double>();
  o.verdict = enum_at<Verdict>(j, "verdict", &parse_verdict);
  for (const auto& t : j.at("techniques")) {
    o.techniques.push_back({t.at("id").get<std::string>(), t.value("name", std::string()), ids_or_empty(t)});
  }
  for (const auto& i : j.at("iocs")) {
    o.iocs.push_back({enum_at<IocType>(i, "type", &parse_ioc_type), i.at("value").get<std::string>(), ids_or_empty(i)});
  }
  for (const auto& a : j.at("impacted_assets")) {
    o.impacted_assets.push_back({enum_at<AssetKind>(a, "kind", &parse_asset_kind), a.at("name").get<std::string>()});
  }
  for (const auto& t : j.at("timeline")) {
    o.timeline.push_back({t.at("time").get<std::string>(), t.at("event").get<std::string>(), ids_or_empty(t)});
  }
  o.root_cause = j.at("root_cause").get<std::string>();
  for (const auto& a : j.at("recommended_actions")) {
    RecommendedAction r;
    r.action = a.at("action").get<std::string>();
    if (a.contains("params")) r.params = a.at("params");
    r.reason = a.at("reason").get<std::string>();
    o.recommended_actions.push_back(std::move(r));
  }
  o.tags = j.at("tags").get<std::vector<std::string>>();
  o.evidence_ids = j.at("evidence_ids").get<std::vector<std::string>>();
}

}  // namespace triagent::analysis
