#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "analysis_output_test_support.hpp"
#include "triagent/analysis/analysis_output_validator.hpp"

namespace triagent::analysis {
namespace {

using nlohmann::json;
using test::sample_pack;
using test::valid_answer;

ValidationResult validate_text(std::string_view text, const ActionPolicy& policy = ActionPolicy::low_risk()) {
  static const EvidencePack pack = sample_pack();
  return validate_analysis_output(text, pack, AttackCatalog::builtin(), policy);
}

ValidationResult validate_json(const json& answer, const ActionPolicy& policy = ActionPolicy::low_risk()) {
  return validate_text(answer.dump(), policy);
}

bool has(const std::vector<std::string>& list, const std::string& text) {
  return std::find(list.begin(), list.end(), text) != list.end();
}

bool has_prefix(const std::vector<std::string>& list, const std::string& prefix) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
}

std::string joined(const std::vector<std::string>& list) {
  std::string s;
  for (const auto& l : list) s += l + "\n";
  return s;
}

TEST(AnalysisOutputValidate, ValidAnswerIsAccepted) {
  const auto r = validate_json(valid_answer());
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_TRUE(r.notes.empty()) << joined(r.notes);
  const AnalysisOutput& out = *r.output;
  EXPECT_EQ(out.severity, Severity::high);
  EXPECT_EQ(out.severity_score, 70);
  EXPECT_DOUBLE_EQ(out.confidence, 0.8);
  EXPECT_EQ(out.verdict, Verdict::true_positive);
  ASSERT_EQ(out.techniques.size(), 2u);
  EXPECT_EQ(out.techniques[1].id, "T1105");
  EXPECT_EQ(out.techniques[1].name, "Ingress Tool Transfer");  // filled from the catalog
  ASSERT_EQ(out.iocs.size(), 3u);
  EXPECT_EQ(out.iocs[0].type, IocType::domain);
  EXPECT_EQ(out.impacted_assets[1].name, "<USER_1>");
  EXPECT_EQ(out.recommended_actions[0].params["title"], "AI analysis");
  EXPECT_EQ(out.evidence_ids, (std::vector<std::string>{"ev-1", "ev-2", "ev-3"}));
}

TEST(AnalysisOutputValidate, OutputRoundTripsThroughJson) {
  const auto r = validate_json(valid_answer());
  ASSERT_TRUE(r.ok());
  const json j = *r.output;
  const AnalysisOutput back = j.get<AnalysisOutput>();
  EXPECT_EQ(json(back), j);
  // What we write is itself a valid answer.
  const auto again = validate_json(j);
  ASSERT_TRUE(again.ok()) << joined(again.errors);
  EXPECT_EQ(json(*again.output), j);
}

TEST(AnalysisOutputValidate, FencedAndProseWrappedAnswersAreAccepted) {
  const std::string body = valid_answer().dump(2);
  for (const std::string& text : {
           "```json\n" + body + "\n```",
           "```\n" + body + "\n```\n",
           "Here is my analysis:\n" + body + "\nLet me know if you need more.",
           "I used {curly} notation before. {not json} Then:\n```json\n" + body + "\n```",
           "Thinking {about it} first.\n" + body,
       }) {
    const auto r = validate_text(text);
    EXPECT_TRUE(r.ok()) << text.substr(0, 60) << "\n" << joined(r.errors);
  }
  EXPECT_EQ(extract_json_object("  {\"a\":\"}\"}  trailing"), std::optional<std::string_view>("{\"a\":\"}\"}"));
}

TEST(AnalysisOutputValidate, TextWithoutAnObjectIsRejected) {
  auto r = validate_text("I cannot analyse this incident.");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.errors, std::vector<std::string>{"/: no JSON object in the answer"});
  r = validate_text(R"({"summary": "cut short)");
  EXPECT_EQ(r.errors, std::vector<std::string>{"/: no JSON object in the answer"});
  r = validate_text(R"({"summary": 1,})");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(has_prefix(r.errors, "/: malformed JSON")) << r.errors[0];
}

struct Violation {
  const char* name;
  void (*mutate)(json&);
  const char* error;  // expected exactly, or as a prefix when it ends with "..."
};

const Violation kViolations[] = {
    {"missing", [](json& a) { a.erase("severity"); }, "/severity: required property missing"},
    {"extra", [](json& a) { a["mood"] = "calm"; }, "/mood: unexpected property"},
    {"type", [](json& a) { a["summary"] = 5; }, "/summary: expected string, got integer"},
    {"empty", [](json& a) { a["summary"] = ""; }, "/summary: must not be empty"},
    {"max_length", [](json& a) { a["summary"] = std::string(4001, 'x'); }, "/summary: longer than 4000 characters"},
    {"enum", [](json& a) { a["severity"] = "severe"; }, "/severity: not one of info, low, medium, high, critical: severe"},
    {"range", [](json& a) { a["severity_score"] = 101; }, "/severity_score: out of range 0..100"},
    {"integer", [](json& a) { a["severity_score"] = 50.5; }, "/severity_score: expected integer, got number"},
    {"number_range", [](json& a) { a["confidence"] = 1.5; }, "/confidence: out of range 0.0..1.0"},
    {"verdict", [](json& a) { a["verdict"] = "malicious"; }, "/verdict: not one of..."},
    {"technique_unknown", [](json& a) { a["techniques"][1]["id"] = "T9999"; }, "/techniques/1/id: unknown technique T9999"},
    {"technique_garbage", [](json& a) { a["techniques"][0]["id"] = "Run PowerShell"; },
     "/techniques/0/id: not an ATT&CK technique id 'Run PowerShell'"},
    {"technique_no_evidence", [](json& a) { a["techniques"][0]["evidence_ids"] = json::array(); },
     "/techniques/0/evidence_ids: cites no evidence..."},
    {"technique_extra", [](json& a) { a["techniques"][0]["tactic"] = "execution"; },
     "/techniques/0/tactic: unexpected property"},
    {"max_items", [](json& a) { a["techniques"] = json::array(); for (int i = 0; i < 51; ++i) a["techniques"].push_back({{"id", "T1105"}, {"evidence_ids", {"ev-1"}}}); },
     "/techniques: more than 50 items"},
    {"ioc_type", [](json& a) { a["iocs"][0]["type"] = "hash"; }, "/iocs/0/type: unknown IOC type hash"},
    {"ioc_missing_ids", [](json& a) { a["iocs"][0].erase("evidence_ids"); }, "/iocs/0/evidence_ids: required property missing"},
    {"asset_kind", [](json& a) { a["impacted_assets"][0]["kind"] = "printer"; },
     "/impacted_assets/0/kind: not one of host, user, account, service: printer"},
    {"timeline_event", [](json& a) { a["timeline"][1]["event"] = ""; }, "/timeline/1/event: must not be empty"},
    {"timeline_type", [](json& a) { a["timeline"] = json::object(); }, "/timeline: expected array, got object"},
    {"action_unknown", [](json& a) { a["recommended_actions"][0]["action"] = "wipe_disk"; },
     "/recommended_actions/0/action: unknown action wipe_disk"},
    {"action_forbidden", [](json& a) { a["recommended_actions"][1]["action"] = "isolate_endpoint"; },
     "/recommended_actions/1/action: action isolate_endpoint is not allowed (allowed: add_note, add_tag)"},
    {"action_params", [](json& a) { a["recommended_actions"][0]["params"]["nested"] = json::object(); },
     "/recommended_actions/0/params/nested: expected string, number or boolean, got object"},
    {"action_reason", [](json& a) { a["recommended_actions"][1].erase("reason"); },
     "/recommended_actions/1/reason: required property missing"},
    {"tag_chars", [](json& a) { a["tags"][1] = "<b>bold</b>"; }, "/tags/1: tag '<b>bold</b>' has characters..."},
    {"tag_length", [](json& a) { a["tags"][1] = std::string(65, 'a'); }, "/tags/1: longer than 64 characters"},
    {"evidence_unknown", [](json& a) { a["evidence_ids"][2] = "ev-99"; }, "/evidence_ids/2: unknown evidence id ev-99"},
    {"claim_evidence_unknown", [](json& a) { a["timeline"][0]["evidence_ids"] = {"ev-2", "ev-0"}; },
     "/timeline/0/evidence_ids/1: unknown evidence id ev-0"},
    {"escaped_key", [](json& a) { a["a/b~c"] = 1; }, "/a~1b~0c: unexpected property"},
};

TEST(AnalysisOutputValidate, EachViolationIsReportedWithItsPath) {
  for (const auto& v : kViolations) {
    json answer = valid_answer();
    v.mutate(answer);
    const auto r = validate_json(answer);
    EXPECT_FALSE(r.ok()) << v.name;
    const std::string expected = v.error;
    const bool prefix = expected.size() > 3 && expected.ends_with("...");
    const bool found = prefix ? has_prefix(r.errors, expected.substr(0, expected.size() - 3)) : has(r.errors, expected);
    EXPECT_TRUE(found) << v.name << ": expected " << expected << "\ngot:\n" << joined(r.errors);
    EXPECT_EQ(r.errors.size(), 1u) << v.name << ":\n" << joined(r.errors);
  }
}

TEST(AnalysisOutputValidate, AllErrorsAreReportedAtOnce) {
  json answer = valid_answer();
  answer.erase("summary");
  answer["verdict"] = 3;
  answer["techniques"][0]["id"] = "T0000";
  answer["evidence_ids"] = {"nope"};
  const auto r = validate_json(answer);
  EXPECT_EQ(r.errors.size(), 4u) << joined(r.errors);
}

TEST(AnalysisOutputValidate, RetiredTechniqueIsMappedWithANote) {
  json answer = valid_answer();
  answer["techniques"][1] = {{"id", "T1086"}, {"name", "PowerShell"}, {"evidence_ids", {"ev-1", "ev-3"}}};
  const auto r = validate_json(answer);
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  // T1086 became T1059.001, the same as techniques[0]: merged, with both notes.
  ASSERT_EQ(r.output->techniques.size(), 1u);
  EXPECT_EQ(r.output->techniques[0].id, "T1059.001");
  EXPECT_EQ(r.output->techniques[0].evidence_ids, (std::vector<std::string>{"ev-1", "ev-3"}));
  EXPECT_TRUE(has(r.notes, "/techniques/1/id: retired technique T1086 replaced by T1059.001")) << joined(r.notes);
  EXPECT_TRUE(has_prefix(r.notes, "/techniques/1/id: duplicate")) << joined(r.notes);

  answer = valid_answer();
  answer["techniques"][1]["id"] = "T1064";  // deprecated without a successor
  EXPECT_TRUE(has(validate_json(answer).errors, "/techniques/1/id: unknown technique T1064"));
}

TEST(AnalysisOutputValidate, InventedIocIsDroppedNotRejected) {
  json answer = valid_answer();
  answer["iocs"].push_back({{"type", "ipv4"}, {"value", "192.0.2.99"}, {"evidence_ids", {"ev-2"}}});
  answer["iocs"].push_back({{"type", "sha256"}, {"value", "abc123"}, {"evidence_ids", json::array()}});
  const auto r = validate_json(answer);
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.output->iocs.size(), 3u);
  EXPECT_TRUE(has(r.notes, "/iocs/3: dropped: 192.0.2.99 appears nowhere in the evidence")) << joined(r.notes);
  EXPECT_TRUE(has(r.notes, "/iocs/4: dropped: abc123 is not a well-formed sha256")) << joined(r.notes);
}

TEST(AnalysisOutputValidate, IocsAreGroundedLikeTheEvidenceWritesThem) {
  json answer = valid_answer();
  answer["iocs"] = json::array({
      {{"type", "domain"}, {"value", "bad.example.org"}, {"evidence_ids", {"ev-3"}}},     // defanged in the evidence
      {{"type", "url"}, {"value", "hxxp://malicious[.]example[.]net/a.ps1"}, {"evidence_ids", {"ev-1"}}},  // defanged by the model
      {{"type", "ipv4"}, {"value", "<IP_1>"}, {"evidence_ids", {"ev-2"}}},               // a redaction placeholder
      {{"type", "file_path"}, {"value", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"}, {"evidence_ids", {"ev-1"}}},
      {{"type", "domain"}, {"value", "MALICIOUS.example.net"}, {"evidence_ids", {"ev-2"}}},
  });
  const auto r = validate_json(answer);
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.output->iocs.size(), 5u) << joined(r.notes);
}

TEST(AnalysisOutputValidate, InconsistentSeverityIsANote) {
  json answer = valid_answer();
  answer["severity_score"] = 30;
  const auto r = validate_json(answer);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(has(r.notes, "/severity: high while severity_score 30 means low")) << joined(r.notes);
}

TEST(AnalysisOutputValidate, PolicyDecidesWhichActionsPass) {
  json answer = valid_answer();
  answer["recommended_actions"].push_back({{"action", "isolate_endpoint"}, {"reason", "contain"}});
  EXPECT_FALSE(validate_json(answer).ok());
  EXPECT_TRUE(validate_json(answer, ActionPolicy::all()).ok());
  auto none = ActionPolicy::from_names({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(has(validate_json(valid_answer(), *none).errors,
                  "/recommended_actions/0/action: action add_note is not allowed (allowed: none)"));
  EXPECT_FALSE(ActionPolicy::from_names({"add_note", "format_c"}));
}

TEST(AnalysisOutputValidate, HostileInputNeverThrows) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(validate_text("{\"a\":" + deep + "}").ok());
  EXPECT_FALSE(validate_text(std::string(100000, '{')).ok());
  EXPECT_FALSE(validate_text(std::string(ValidationResult::kMaxAnswerBytes + 1, ' ')).ok());
  EXPECT_FALSE(validate_text(std::string("\xff\xfe{\"summary\":\"\xc3\"}", 17)).ok());
  // Thousands of wrong claims: bounded errors.
  json answer = valid_answer();
  answer["iocs"] = json::array();
  for (int i = 0; i < 200; ++i) answer["iocs"].push_back({{"type", i}, {"value", nullptr}, {"evidence_ids", "x"}});
  const auto r = validate_json(answer);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.errors.size(), ValidationResult::kMaxErrors + 1);
  EXPECT_EQ(r.errors.back(), "/: more errors not listed");
  // Values echoed in errors are bounded and printable.
  answer = valid_answer();
  answer["techniques"][0]["id"] = std::string("T1\n") + std::string(500, 'x');
  const auto echoed = validate_json(answer);
  ASSERT_EQ(echoed.errors.size(), 1u);
  EXPECT_LT(echoed.errors[0].size(), 140u);
  EXPECT_EQ(echoed.errors[0].find('\n'), std::string::npos);
}

}  // namespace
}  // namespace triagent::analysis
