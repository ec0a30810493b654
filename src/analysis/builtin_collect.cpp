#include "builtin_collect.hpp"

#include <algorithm>

#include "analysis_output_grounding.hpp"
#include "analysis_output_text.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis {
namespace {

using Limits = AnalysisOutputLimits;

void add_id(std::vector<std::string>& ids, const std::string& id) {
  if (ids.size() < Limits::claim_evidence_ids && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

class Collector {
 public:
  Collector(const Analyzer& analyzer, const EvidencePack& pack) : analyzer_(analyzer), text_(pack) {}

  void item(const EvidenceItem& item, BuiltinFindings& out) {
    const std::string& input = item.raw.empty() ? item.summary : item.raw;
    analyzer_.analyze(input, st_);
    ItemVerdict v{&item, st_.severity_score, {}, RuleLevel::informational, st_.event.log_type};
    for (const SigmaRule* r : st_.matched_rules) {
      if (v.top_rule.empty() || r->level > v.top_level) {
        v.top_rule = r->title;
        v.top_level = r->level;
      }
    }
    if (!st_.matched_rules.empty()) {
      ++out.items_with_rules;
      if (!out.any_rule || v.top_level > out.top_level) out.top_level = v.top_level;
      out.any_rule = true;
    }
    out.items_scored += v.score > 0;
    out.items.push_back(std::move(v));
    if (item.id.empty()) return;  // nothing can cite it
    techniques(item.id, out.techniques);
    rule_techniques(item, out.techniques);
    iocs(item, out.iocs);
    assets(item, out.assets);
  }

 private:
  // Rules the evidence says fired ("Encoded PowerShell [T1059.001]"): the packer analysed the
  // full event, which the item's shortened raw text may no longer show.
  void rule_techniques(const EvidenceItem& item, std::vector<FoundTechnique>& out) {
    for (const auto& label : item.rule_ids) {
      for (const auto& raw_id : technique_ids_in(label)) {
        auto id = analyzer_.catalog().normalize(raw_id);
        const Technique* t = id ? analyzer_.catalog().find(*id) : nullptr;
        if (t == nullptr) continue;
        auto it = std::find_if(out.begin(), out.end(), [&](const FoundTechnique& f) { return f.id == t->id; });
        if (it == out.end()) {
          out.push_back({t->id, clean_utf8(t->name, Limits::name_chars), 0, {}});
          it = out.end() - 1;
        }
        it->score += 1;
        add_id(it->evidence_ids, item.id);
      }
    }
  }

  void techniques(const std::string& id, std::vector<FoundTechnique>& out) {
    for (const TechniqueHit& h : st_.techniques) {
      auto it = std::find_if(out.begin(), out.end(), [&](const FoundTechnique& t) { return t.id == h.technique->id; });
      if (it == out.end()) {
        out.push_back({h.technique->id, clean_utf8(h.technique->name, Limits::name_chars), 0, {}});
        it = out.end() - 1;
      }
      it->score += h.score;
      add_id(it->evidence_ids, id);
    }
  }

  void ioc(IocType type, std::string_view raw_value, const std::string& id, std::vector<IocClaim>& out) {
    std::string value = clean_utf8(trim(raw_value), Limits::ioc_value_chars);
    if (value.empty() || !is_well_formed_ioc(type, value) || !text_.mentions(value)) return;
    const std::string key = to_lower(value);
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const IocClaim& c) { return c.type == type && to_lower(c.value) == key; });
    if (it != out.end()) {
      add_id(it->evidence_ids, id);
    } else if (out.size() < Limits::iocs) {
      out.push_back({type, std::move(value), {id}});
    }
  }

  void iocs(const EvidenceItem& item, std::vector<IocClaim>& out) {
    const Indicators& ind = st_.indicators;
    for (const auto& ip : ind.ipv4) {
      if (!is_private_ip(ip)) ioc(IocType::ipv4, ip, item.id, out);
    }
    for (const auto& ip : ind.ipv6) {
      if (!is_private_ip(ip)) ioc(IocType::ipv6, ip, item.id, out);
    }
    for (const auto& v : ind.domains) ioc(IocType::domain, v, item.id, out);
    for (const auto& v : ind.urls) ioc(IocType::url, v, item.id, out);
    for (const auto& v : ind.emails) ioc(IocType::email, v, item.id, out);
    for (const auto& v : ind.md5) ioc(IocType::md5, v, item.id, out);
    for (const auto& v : ind.sha1) ioc(IocType::sha1, v, item.id, out);
    for (const auto& v : ind.sha256) ioc(IocType::sha256, v, item.id, out);
    for (const auto& v : ind.cves) ioc(IocType::cve, v, item.id, out);
    for (const auto& known : item.iocs) {
      if (auto type = parse_ioc_type(known.type)) ioc(*type, known.value, item.id, out);
    }
  }

  static void asset(AssetKind kind, std::string_view raw_name, std::vector<ImpactedAsset>& out) {
    std::string name = clean_utf8(trim(raw_name), Limits::name_chars);
    if (trim(name).empty() || name == "-" || out.size() >= Limits::impacted_assets) return;
    const bool seen = std::any_of(out.begin(), out.end(), [&](const ImpactedAsset& a) {
      return a.kind == kind && iequals(a.name, name);
    });
    if (!seen) out.push_back({kind, std::move(name)});
  }

  void assets(const EvidenceItem& item, std::vector<ImpactedAsset>& out) {
    asset(AssetKind::host, item.host, out);
    asset(AssetKind::user, item.user, out);
    for (const auto& h : st_.hosts) asset(AssetKind::host, h, out);
    for (const auto& u : st_.users) asset(AssetKind::user, u, out);
  }

  const Analyzer& analyzer_;
  EvidenceText text_;
  AnalysisState st_;
};

}  // namespace

BuiltinFindings collect_findings(const Analyzer& analyzer, const EvidencePack& pack) {
  BuiltinFindings out;
  out.items.reserve(pack.items.size());
  Collector collector(analyzer, pack);
  for (const EvidenceItem& item : pack.items) collector.item(item, out);
  std::stable_sort(out.techniques.begin(), out.techniques.end(), [](const FoundTechnique& a, const FoundTechnique& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.id < b.id;
  });
  if (out.techniques.size() > Limits::techniques) out.techniques.resize(Limits::techniques);
  for (std::size_t i = 0; i < out.items.size(); ++i) {
    if (out.items[i].score > 0 && (!out.strongest() || out.items[i].score > out.strongest()->score)) {
      out.strongest_index = static_cast<std::ptrdiff_t>(i);
    }
  }
  return out;
}

}  // namespace triagent::analysis
