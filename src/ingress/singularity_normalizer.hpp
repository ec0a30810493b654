#pragma once
// The normalizer of SentinelOne Singularity webhooks. There is no public schema for what
// SentinelOne pushes (docs/webhook-sources.md), so it accepts the objects the APIs return and the
// id-only notifications integrations send:
//   - a v2.1 threat, or the list envelope {"data":[threat, ...]} (only the first element is read);
//   - a STAR / cloud-detection alert, bare or in the same list envelope;
//   - a Unified Alerts GraphQL alert, bare, as {"alert":{...}} or as {"data":{"alert":{...}}};
//   - {"threatId":..} / {"threat_id":..}, {"alertId":..} / {"alert_id":..},
//     {"id":..,"type":"threat"|"alert"}, and the Hyperautomation style {"data":{"id":..}}.
// A later pipeline stage fetches what an id-only incident lacks.
//
//   SingularityNormalizer n;
//   Result<Incident> inc = n.normalize(nlohmann::json{{"threatId", "1234567890"}});

#include <string>

#include "triagent/ingress/normalizer.hpp"

namespace triagent::ingress {

class SingularityNormalizer final : public Normalizer {
 public:
  const std::string& source() const override { return source_; }
  Result<Incident> normalize(nlohmann::json body) const override;

 private:
  std::string source_ = "singularity";
};

}  // namespace triagent::ingress
