// eval --task pii: span-labelled texts (shared/data/pii). A gold span counts as found when a
// finding of the same type overlaps it; a finding counts as false when no gold span of its type
// overlaps it, judged only for the types a record labels exhaustively (its target_entity when
// spans_exhaustive is false). Only the structured types are scored; names, addresses and other
// NER types are reported as not targeted.
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "eval_tasks.hpp"
#include "triagent/analysis/scoreboard.hpp"
#include "triagent/privacy/redactor.hpp"

namespace triagent::analysis::eval {
namespace {

const char* presidio_type(privacy::PiiKind k) {
  switch (k) {
    case privacy::PiiKind::email: return "EMAIL_ADDRESS";
    case privacy::PiiKind::phone: return "PHONE_NUMBER";
    case privacy::PiiKind::credit_card: return "CREDIT_CARD";
    case privacy::PiiKind::us_ssn: return "US_SSN";
    case privacy::PiiKind::iban: return "IBAN_CODE";
    case privacy::PiiKind::ip_address: return "IP_ADDRESS";
    case privacy::PiiKind::mac_address: return "MAC_ADDRESS";
    case privacy::PiiKind::crypto_wallet: return "CRYPTO";
    case privacy::PiiKind::passport: return "US_PASSPORT";
    case privacy::PiiKind::driver_license: return "US_DRIVER_LICENSE";
    case privacy::PiiKind::nhs_number: return "UK_NHS";
    case privacy::PiiKind::bank_account: return "US_BANK_NUMBER";
    case privacy::PiiKind::person: return "PERSON";
    default: return nullptr;
  }
}

// The types issue 4's targets are set on. The redactor also finds bitcoin addresses, document
// numbers after their keyword and cue-introduced names (pipeline_pii_sim_test counts those), but
// bare document numbers and names in prose need NER, so scoring them here would only blur the
// figure for the structured types.
const std::set<std::string> kScored = {"EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN",
                                       "IBAN_CODE",     "IP_ADDRESS",   "MAC_ADDRESS"};

// Byte offset of each code point index (Python string offsets) in UTF-8 text.
std::vector<std::size_t> codepoint_offsets(const std::string& s) {
  std::vector<std::size_t> off;
  off.reserve(s.size() + 1);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) off.push_back(i);
  }
  off.push_back(s.size());
  return off;
}

struct Span {
  std::size_t b, e;
  std::string type;
};

bool overlaps(const Span& a, const Span& b) { return a.b < b.e && b.b < a.e; }

}  // namespace

int pii(std::istream& in, std::ostream& out, std::ostream& err, const EvalOptions& opt) {
  auto redactor = privacy::Redactor::create(privacy::RedactionConfig{});
  if (!redactor) {
    err << "eval: " << redactor.error().message << "\n";
    return 1;
  }
  Scoreboard typed;
  std::size_t gold_scored = 0, gold_redacted_any = 0, records = 0;
  std::map<std::string, std::size_t> not_targeted;
  std::string line;
  std::vector<privacy::PiiFinding> findings;
  while (std::getline(in, line)) {
    nlohmann::json rec = nlohmann::json::parse(line, nullptr, false);
    if (rec.is_discarded() || !rec.is_object() || !rec.contains("text")) continue;
    ++records;
    const std::string text = rec["text"].get<std::string>();
    const auto off = codepoint_offsets(text);
    std::vector<Span> gold;
    for (const auto& sp : rec.value("spans", nlohmann::json::array())) {
      const auto b = sp.value("start", std::size_t{0}), e = sp.value("end", std::size_t{0});
      const std::string type = sp.value("type", "");
      if (!kScored.count(type)) {
        ++not_targeted[type];
        continue;
      }
      if (b >= off.size() || e >= off.size()) continue;
      gold.push_back({off[b], off[e], type});
    }
    findings.clear();
    redactor->find(text, findings);
    std::vector<Span> got;
    std::vector<Span> any;
    for (const auto& f : findings) {
      any.push_back({f.begin, f.end, ""});
      if (const char* t = presidio_type(f.kind); t != nullptr && kScored.count(t)) got.push_back({f.begin, f.end, t});
    }
    const bool exhaustive = rec.value("spans_exhaustive", false);
    const std::string target = rec.value("target_entity", "");
    std::map<std::string, ClassCounts> counts;
    for (const auto& g : gold) {
      ++gold_scored;
      bool hit = false, hit_any = false;
      for (const auto& p : got) hit = hit || (p.type == g.type && overlaps(p, g));
      for (const auto& p : any) hit_any = hit_any || overlaps(p, g);
      gold_redacted_any += hit_any;
      if (hit) ++counts[g.type].tp;
      else {
        ++counts[g.type].fn;
        if (opt.verbose) err << "FN " << g.type << " '" << text.substr(g.b, g.e - g.b) << "' in: " << text.substr(0, 120) << "\n";
      }
    }
    for (const auto& p : got) {
      if (!exhaustive && p.type != target) continue;
      bool hit = false;
      for (const auto& g : gold) hit = hit || (p.type == g.type && overlaps(p, g));
      if (!hit) {
        ++counts[p.type].fp;
        if (opt.verbose) err << "FP " << p.type << " '" << text.substr(p.b, p.e - p.b) << "' in: " << text.substr(0, 120) << "\n";
      }
    }
    for (const auto& [t, c] : counts) typed.add(t, c.tp, c.fp, c.fn);
  }
  const ClassCounts m = typed.micro();
  const double any_recall = gold_scored ? static_cast<double>(gold_redacted_any) / static_cast<double>(gold_scored) : 0;
  if (opt.json) {
    nlohmann::json j = typed.to_json();
    j["task"] = "pii";
    j["records"] = records;
    j["recall_redacted_any_type"] = any_recall;
    j["not_targeted_types"] = not_targeted;
    out << j.dump(2) << "\n";
  } else {
    typed.print(out, "pii type (structured)");
    out << "records " << records << "  recall " << m.recall() << "  precision " << m.precision()
        << "  (gold spans redacted under any type: " << any_recall << ")\n";
    out << "not targeted (NER types, left to the field lists):";
    for (const auto& [t, c] : not_targeted) out << " " << t << "=" << c;
    out << "\n";
  }
  return records ? 0 : 1;
}

}  // namespace triagent::analysis::eval
