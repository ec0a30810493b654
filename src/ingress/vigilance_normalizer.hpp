#pragma once
// The normalizer of Vigilance MDR case webhooks. No public schema exists (docs/webhook-sources.md),
// so it reads the common spellings, at the top level or inside a "case" object:
//   - id: caseId, case.id, id (string or integer);
//   - title: title, name, description;   severity: severity, else priority (P1..P5, 1..5, names);
//   - time: createdAt, created_at, time, timestamp;   tenant: tenant, else accountId[:siteId];
//   - threat ids: threatIds, threat_ids, threatId, threat_id, threats[].id (or threats[] of ids);
//     alert ids: alertIds, alert_ids, alertId, alert_id, alerts[].id;
//   - embedded SentinelOne objects (threats[], alerts[], threat, alert) add their entities, and
//     their severity and time when the case has none.
//
//   VigilanceNormalizer n;
//   Result<Incident> inc = n.normalize(nlohmann::json{{"caseId", "C-1"}, {"threatIds", {"123"}}});

#include <string>

#include "triagent/ingress/normalizer.hpp"

namespace triagent::ingress {

class VigilanceNormalizer final : public Normalizer {
 public:
  const std::string& source() const override { return source_; }
  Result<Incident> normalize(nlohmann::json body) const override;

 private:
  std::string source_ = "vigilance";
};

}  // namespace triagent::ingress
