// Redaction end to end (issue 5): every text of tests/data/pii/dev.jsonl goes into the real
// daemon as a generic webhook; the pipeline turns the payload into a "webhook" evidence item,
// redacts the pack and asks the simulator's LLM. Then every prompt the simulator received is read
// back and no labelled raw value the redactor is responsible for may appear in it.
//
// What is in scope, and why:
//  - asserted 100%: EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, US_SSN, IBAN_CODE, IP_ADDRESS (the
//    issue's list), MAC_ADDRESS and CRYPTO (bitcoin addresses: fixed shapes with checksums);
//    US_PASSPORT, US_DRIVER_LICENSE, UK_NHS and US_BANK_NUMBER when the text names the document
//    ("passport", "driver's license", "NHS", "bank account"): a bare 9-12 digit number is as
//    likely an event id or an epoch time, and redacting those would blind the timeline.
//  - reported, not asserted: spans Presidio itself expects only weakly (score range below 0.5:
//    a bare "::", "078051121" without any SSN cue), and the keyword types without their keyword.
//  - PERSON: best effort. Names introduced by a cue (Mr./Ms./Dr., "my name is", "Name:",
//    "contact", "signed by", "customer", "follow up with", an e-mail display name) are redacted;
//    a bare name in prose needs an NER model, which the redactor does not have. The test counts
//    leaked names and fails above a ceiling, so the cue scanners cannot silently regress.
//  - not redacted by design: DOMAIN_NAME and URL (indicators the analysis needs), and the other NER
//    types (STREET_ADDRESS, GPE, ORGANIZATION, DATE_TIME, TITLE, AGE, NRP, ZIP_CODE).
// A job whose prompt the pre-send leak check blocked also leaked nothing (the prompt never left),
// but the redactor, not the block, should do the work: at most a small share may be blocked.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/http_test_client.hpp"
#include "support/sim_process.hpp"

namespace triagent::testing {
namespace {

using nlohmann::json;

// The simulator keeps its last 200 prompts; a job may send two (answer + repair).
constexpr std::size_t kBatch = 90;
// Share of jobs the leak check may block before the test says the redactor is not doing its job.
constexpr double kMaxBlockedShare = 0.02;
// Leaked PERSON spans tolerated (bare names in prose; see above). Measured, then rounded up.
constexpr std::size_t kMaxLeakedPersons = 130;  // measured: 128 of 152 leak

struct LabelledSpan {
  std::string type;
  std::string value;
  bool weak = false;  // Presidio's own expected score stays below 0.5
};

struct PiiRecord {
  std::string id;
  std::string text;
  std::vector<LabelledSpan> spans;
};

std::vector<PiiRecord> load_dev_set() {
  std::vector<PiiRecord> out;
  std::ifstream in(std::string(TRIAGENT_SOURCE_DIR) + "/tests/data/pii/dev.jsonl");  // README there
  std::string line;
  while (std::getline(in, line)) {
    const json r = json::parse(line, nullptr, false);
    if (r.is_discarded() || !r.is_object()) continue;
    PiiRecord rec{r.value("id", ""), r.value("text", ""), {}};
    for (const auto& s : r.value("spans", json::array())) {
      LabelledSpan span{s.value("type", ""), s.value("value", ""), false};
      if (s.contains("presidio_expected_score_range")) {
        const json& hi = s["presidio_expected_score_range"][1];
        span.weak = hi.is_number() && hi.get<double>() < 0.5;
      }
      rec.spans.push_back(std::move(span));
    }
    out.push_back(std::move(rec));
  }
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool names_document(const std::string& type, const std::string& text) {
  const std::string t = lower(text);
  auto has = [&](const char* w) { return t.find(w) != std::string::npos; };
  if (type == "US_PASSPORT") return has("passport") || has("travel document");
  if (type == "US_DRIVER_LICENSE") return has("licen");
  if (type == "UK_NHS") return has("nhs");
  if (type == "US_BANK_NUMBER") return has("bank") || has("account number");
  return true;
}

enum class Scope { asserted, person, reported, out_of_scope };

Scope scope_of(const LabelledSpan& span, const std::string& text) {
  static const std::set<std::string> kAlways = {"EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN",
                                                "IBAN_CODE",     "IP_ADDRESS",   "MAC_ADDRESS", "CRYPTO"};
  static const std::set<std::string> kWithKeyword = {"US_PASSPORT", "US_DRIVER_LICENSE", "UK_NHS", "US_BANK_NUMBER"};
  if (span.type == "PERSON") return Scope::person;
  if (kAlways.count(span.type)) return span.weak ? Scope::reported : Scope::asserted;
  if (kWithKeyword.count(span.type)) return names_document(span.type, text) ? Scope::asserted : Scope::reported;
  return Scope::out_of_scope;
}

bool token_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80; }

// Whether `value` occurs in `text` as a whole token (not inside a longer word or number), either
// as it is or as it looks inside a JSON string (the raw webhook is rendered as JSON).
bool occurs(const std::string& text, const std::string& value) {
  const std::string escaped = json(value).dump(-1, ' ', false);
  for (const std::string& v : {value, escaped.substr(1, escaped.size() - 2)}) {
    for (std::size_t at = text.find(v); at != std::string::npos; at = text.find(v, at + 1)) {
      const bool left = at == 0 || !token_char(v.front()) || !token_char(text[at - 1]);
      const std::size_t end = at + v.size();
      const bool right = end == text.size() || !token_char(v.back()) || !token_char(text[end]);
      if (left && right) return true;
    }
  }
  return false;
}

class PipelinePiiSim : public ::testing::Test {
 protected:
  void SetUp() override {
    TestConfig config;
    config.with("mode", "shadow").with("workers.count", "8");
    config.extra_yaml = sim_connectors_yaml(sim_.base_url());
    daemon_ = std::make_unique<DaemonProcess>(config, dir_.path());
  }

  json sim(const std::string& target) {
    HttpTestClient c("127.0.0.1", sim_.port());
    return c.request("GET", target).json();
  }

  SimProcess sim_;
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(PipelinePiiSim, NoLabelledValueReachesTheLlm) {
  const std::vector<PiiRecord> records = load_dev_set();
  ASSERT_EQ(records.size(), 489u) << "dev.jsonl not found or changed";
  HttpTestClient api("127.0.0.1", daemon_->port());

  std::size_t asserted = 0, blocked = 0, jobs = 0;
  std::map<std::string, std::size_t> leaked_by_type;  // asserted types: must stay empty
  std::map<std::string, std::size_t> reported_leaks;  // weak or keyword-less spans, for the report
  std::size_t persons = 0, persons_leaked = 0;
  std::vector<std::string> failures;

  for (std::size_t first = 0; first < records.size(); first += kBatch) {
    const std::size_t last = std::min(records.size(), first + kBatch);
    // The simulator's prompt list is capped: start each batch from an empty one.
    {
      HttpTestClient c("127.0.0.1", sim_.port());
      ASSERT_EQ(c.request("POST", "/_sim/reset", "{}", {{"Content-Type", "application/json"}}).status, 200);
    }
    std::vector<std::string> job_ids;
    std::set<std::string> blocked_records;
    for (std::size_t i = first; i < last; ++i) {
      const json body = {{"id", records[i].id}, {"title", "pii check " + records[i].id}, {"severity", "high"},
                         {"description", records[i].text}};
      auto r = api.request("POST", "/v1/webhooks/generic", body.dump(), bearer(kWebhookToken));
      ASSERT_EQ(r.status, 202) << r.body;
      job_ids.push_back(r.json()["job_id"]);
    }
    for (std::size_t j = 0; j < job_ids.size(); ++j) {
      const std::string& id = job_ids[j];
      json job;
      ASSERT_TRUE(eventually([&] {
        auto r = api.request("GET", "/v1/jobs/" + id, "", bearer(kAdminToken));
        if (r.status != 200) return false;
        job = r.json();
        return job["state"] == "done" || job["state"] == "dead";
      }, std::chrono::seconds(120))) << job.dump();
      ASSERT_EQ(job["state"], "done") << job.dump();
      ++jobs;
      if (job["result"].value("fallback_reason", "").find("blocked") != std::string::npos) {
        ++blocked;
        blocked_records.insert(records[first + j].id);
      }
    }
    const json llm = sim("/_sim/llm?last=200");
    const std::size_t received = llm["prompts"].size();
    ASSERT_LT(received, 200u) << "the simulator may have dropped prompts; lower kBatch";
    // Each prompt belongs to the record whose id its evidence title carries.
    std::map<std::string, std::string> prompt_of;
    const json& prompts = llm["prompts"];
    for (std::size_t p = prompts.size() - std::min(prompts.size(), received); p < prompts.size(); ++p) {
      const std::string text = prompts[p].value("system", "") + "\n" + prompts[p].value("user", "");
      const auto at = text.find("pii check pii-");
      if (at == std::string::npos) continue;
      const std::string id = text.substr(at + 10, text.find_first_of(" \n\"<", at + 10) - (at + 10));
      prompt_of[id] += text;
    }
    for (std::size_t i = first; i < last; ++i) {
      const PiiRecord& rec = records[i];
      const auto it = prompt_of.find(rec.id);
      if (it == prompt_of.end()) {
        // Blocked: nothing left the daemon. Otherwise the prompt must have been found.
        EXPECT_TRUE(blocked_records.count(rec.id)) << "no prompt carries " << rec.id;
        continue;
      }
      for (const auto& span : rec.spans) {
        const Scope scope = scope_of(span, rec.text);
        if (scope == Scope::out_of_scope) continue;
        const bool leaked = occurs(it->second, span.value);
        if (scope == Scope::person) {
          ++persons;
          persons_leaked += leaked;
          continue;
        }
        if (scope == Scope::reported) {
          if (leaked) ++reported_leaks[span.type];
          continue;
        }
        ++asserted;
        if (leaked) {
          ++leaked_by_type[span.type];
          failures.push_back(span.type + " '" + span.value + "' in " + rec.id + ": " + rec.text.substr(0, 100));
        }
      }
    }
  }

  std::cout << "[pii-sim] jobs " << jobs << ", blocked by the leak check " << blocked << ", asserted spans "
            << asserted << ", PERSON leaked " << persons_leaked << "/" << persons << ", reported leaks:";
  for (const auto& [type, n] : reported_leaks) std::cout << " " << type << "=" << n;
  std::cout << "\n";
  for (const auto& f : failures) ADD_FAILURE() << "leaked " << f;
  EXPECT_TRUE(leaked_by_type.empty());
  EXPECT_GT(asserted, 300u);
  EXPECT_LE(static_cast<double>(blocked), kMaxBlockedShare * static_cast<double>(jobs)) << blocked << " blocked";
  EXPECT_LE(persons_leaked, kMaxLeakedPersons);
}

}  // namespace
}  // namespace triagent::testing
