#pragma once
// SingularityConfig: the typed settings of one SentinelOne management console (API v2.1): where it
// is, the API token, the scope list calls are narrowed to, paging bounds and the Deep Visibility
// polling rules. The config module fills it from YAML (`connectors.singularity.*`, same key names
// as the fields); validate() names the offending key.
//
//   SingularityConfig cfg;
//   cfg.base_url = "https://usea1.sentinelone.net";          // the console; /web/api/v2.1 is added
//   cfg.api_token = Secret(env("S1_API_TOKEN"));             // sent as "Authorization: ApiToken <t>"
//   cfg.site_ids = {"475482421366727779"};
//   if (auto ok = validate(cfg); !ok) fail(ok.error().message);
//   Upstream s1{&client, &policy, cfg.base_url};            // every connector object gets both
//   SingularityThreats threats(cfg, s1);

#include <cstdint>
#include <string>
#include <vector>

#include "triagent/core/secret.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

// Deep Visibility: init-query -> query-status polling -> paged events (apis.md B.8).
struct DeepVisibilityConfig {
  std::int64_t poll_interval_ms = 2'000;  // wait before each query-status call of one query
  int max_polls = 20;                     // then the query is cancelled and the call times out
  int page_limit = 500;                   // events per GET /dv/events page (the API allows 1..1000)
  int max_events = 2'000;                 // events kept per query, across pages; also init-query's limit
  // query-status is limited to 1 call per second per token (apis.md B.8, B.11); every query run by
  // one DeepVisibility object shares this budget. A tenth of a second's worth may go at once (at
  // least one call), so only a raised limit allows bursts.
  double status_requests_per_second = 1.0;
};

struct SingularityConfig {
  std::string base_url;                  // scheme://console-host[:port], no path, no trailing '/'
  Secret api_token;                      // a service-user token
  std::vector<std::string> account_ids;  // list and DV calls are narrowed to these (accountIds)
  std::vector<std::string> site_ids;     // ... and these (siteIds); empty: the token's whole scope
  int page_size = 100;                   // `limit` of list calls (1..1000)
  int max_pages = 10;                    // cursor pages followed by one list call
  DeepVisibilityConfig deep_visibility;
};

// Checks presence and ranges; the message names the key, e.g.
// "connectors.singularity.page_size: must be within [1, 1000]". Never prints the token.
Result<void> validate(const SingularityConfig& config);

}  // namespace triagent
