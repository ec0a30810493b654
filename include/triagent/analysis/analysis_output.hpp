#pragma once
// AnalysisOutput: the structured analysis of one incident, as config/prompts/analysis_output.schema.json
// defines it. An LLM answer becomes one only through validate_analysis_output()
// (analysis_output_validator.hpp); the built-in analyst builds one directly. to_json/from_json are
// for our own documents (the local store, the audit record): from_json throws nlohmann's
// exceptions on a wrong document, so never feed it untrusted text.
//
//   AnalysisOutput out = BuiltinAnalyst(analyzer).analyze(pack);
//   nlohmann::json j = out;                      // the schema's shape, field for field
//   AnalysisOutput back = j.get<AnalysisOutput>();

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/severity.hpp"

namespace triagent::analysis {

// The bounds of the schema, shared by the validator and the built-in analyst so the latter always
// produces what the former accepts. Lengths count Unicode code points, as JSON Schema does.
struct AnalysisOutputLimits {
  static constexpr std::size_t summary_chars = 4000;
  static constexpr std::size_t root_cause_chars = 2000;
  static constexpr std::size_t text_chars = 1000;         // timeline event, action reason
  static constexpr std::size_t name_chars = 256;          // technique name, asset name
  static constexpr std::size_t time_chars = 64;
  static constexpr std::size_t ioc_value_chars = 2048;
  static constexpr std::size_t tag_chars = 64;
  static constexpr std::size_t techniques = 50;
  static constexpr std::size_t iocs = 200;
  static constexpr std::size_t impacted_assets = 100;
  static constexpr std::size_t timeline = 200;
  static constexpr std::size_t recommended_actions = 20;
  static constexpr std::size_t tags = 20;
  static constexpr std::size_t evidence_ids = 500;        // the top-level list
  static constexpr std::size_t claim_evidence_ids = 50;   // the list behind one claim
  static constexpr std::size_t action_params = 16;
};

enum class Verdict { true_positive, suspicious, false_positive, undefined };
enum class IocType { ipv4, ipv6, domain, url, email, md5, sha1, sha256, file_path, registry_key, cve };
enum class AssetKind { host, user, account, service };

const char* to_string(Verdict v);
const char* to_string(IocType t);
const char* to_string(AssetKind k);
std::optional<Verdict> parse_verdict(std::string_view s);      // exact schema names only
std::optional<IocType> parse_ioc_type(std::string_view s);
std::optional<AssetKind> parse_asset_kind(std::string_view s);
// The schema's severity names (info..critical); "unknown" is not one of them.
std::optional<Severity> parse_output_severity(std::string_view s);

// The one mapping from a 0-100 score to a severity, the built-in analyzer's thresholds:
// >= 80 critical, >= 60 high, >= 40 medium, >= 20 low, else info.
Severity severity_for_score(int score);

struct TechniqueClaim {
  std::string id;                         // "T1059.001", always in the ATT&CK catalog once validated
  std::string name;                       // the catalog's name
  std::vector<std::string> evidence_ids;  // at least one
};

struct IocClaim {
  IocType type = IocType::ipv4;
  std::string value;                      // as it appears in the evidence (placeholders included)
  std::vector<std::string> evidence_ids;
};

struct ImpactedAsset {
  AssetKind kind = AssetKind::host;
  std::string name;
};

struct TimelineEntry {
  std::string time;                       // as the model wrote it; RFC 3339 from the built-in analyst
  std::string event;
  std::vector<std::string> evidence_ids;
};

struct RecommendedAction {
  std::string action;                     // one of kKnownActions, allowed by the ActionPolicy
  nlohmann::json params = nlohmann::json::object();  // flat: string, number or boolean values
  std::string reason;
};

struct AnalysisOutput {
  std::string summary;
  Severity severity = Severity::info;     // never unknown (written as "info" if it were)
  int severity_score = 0;                 // 0..100
  double confidence = 0;                  // 0..1
  Verdict verdict = Verdict::undefined;
  std::vector<TechniqueClaim> techniques;
  std::vector<IocClaim> iocs;
  std::vector<ImpactedAsset> impacted_assets;
  std::vector<TimelineEntry> timeline;
  std::string root_cause;
  std::vector<RecommendedAction> recommended_actions;
  std::vector<std::string> tags;
  std::vector<std::string> evidence_ids;  // everything the analysis rests on
};

void to_json(nlohmann::json& j, const AnalysisOutput& o);
void from_json(const nlohmann::json& j, AnalysisOutput& o);

}  // namespace triagent::analysis
