#pragma once
// Normalizer: turns one source's webhook body into an Incident.
//
// Bodies are untrusted: a normalizer never throws on any input, and a body it cannot use gives
// ErrorCode::invalid_argument with a message that names the problem ("no external id at /alertId").
// Singularity and Vigilance webhooks may carry only ids; a normalizer takes what is there and a
// later pipeline stage fetches the rest.
//
//   auto n = make_normalizer("singularity", source_config);
//   Result<Incident> inc = n->normalize(body_json);
//   Result<Incident> inc = n->normalize_text(request_body);   // the webhook route's way in

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/config/config.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual const std::string& source() const = 0;
  // By value: the body ends up in Incident::raw, moved rather than copied when the caller is done with it.
  virtual Result<Incident> normalize(nlohmann::json body) const = 0;
  // The body as received. Incident::raw is left null: the caller keeps the text (a job's payload
  // holds the body verbatim). A body that is not JSON, or nests too deeply, is an invalid_argument
  // error too. By default the body is parsed in full and given to normalize(); a normalizer that
  // reads only a few fields may read less, with the same result.
  virtual Result<Incident> normalize_text(std::string_view body) const;
};

// The source names that have a normalizer: "dataset", "singularity", "vigilance", "generic".
const std::vector<std::string>& known_webhook_sources();

// The default field mapping of a templated source (dataset: docs/dataset-webhook-template.md;
// generic: /id, /title, /severity, /time).
FieldMapping default_field_mapping(const std::string& source);

// nullptr for an unknown source name.
std::unique_ptr<Normalizer> make_normalizer(const std::string& source, const WebhookSourceConfig& config);

}  // namespace triagent
