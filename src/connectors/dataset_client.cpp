#include "triagent/connectors/dataset_client.hpp"

#include <algorithm>

#include "connectors/dataset_http.hpp"
#include "connectors/dataset_json.hpp"

namespace triagent {

namespace {

// A.5: longer query texts are refused by the server; refuse them before spending a call.
constexpr std::size_t kMaxQueryChars = 10'000;

const char* const kPowerQueryWhat = "dataset powerQuery";
const char* const kQueryWhat = "dataset query";

}  // namespace

DataSetClient::DataSetClient(DataSetConfig config, Upstream upstream)
    : config_(std::move(config)), upstream_(std::move(upstream)) {}

boost::asio::awaitable<Result<DataSetTable>> DataSetClient::power_query(DataSetPowerQuery query) {
  if (config_.read_key.empty()) co_return dataset::missing_key(kPowerQueryWhat, "read_key");
  if (query.query.empty()) co_return Error{ErrorCode::invalid_argument, std::string(kPowerQueryWhat) + ": empty query"};
  if (query.query.size() > kMaxQueryChars) {
    co_return Error{ErrorCode::invalid_argument, std::string(kPowerQueryWhat) + ": query longer than " +
                                                     std::to_string(kMaxQueryChars) + " characters"};
  }
  nlohmann::json body = {{"query", query.query},
                         {"startTime", query.range.start},
                         {"endTime", query.range.end},
                         {"priority", config_.priority}};
  dataset::add_account_selector(body, config_);
  Result<HttpResponse> r = co_await dataset::send(upstream_, config_.read_key, config_.scope, "POST",
                                                  upstream_.url("/api/powerQuery"), dataset::to_body(body),
                                                  config_.query_timeout_ms);
  if (!r) co_return r.error();
  Result<nlohmann::json> answer =
      dataset::read_v1_answer(*r, kPowerQueryWhat, config_.read_key, config_.server_error_retry_ms);
  if (!answer) co_return answer.error();
  co_return dataset::read_table(*answer, config_.max_rows);
}

boost::asio::awaitable<Result<DataSetLogResult>> DataSetClient::query(DataSetLogQuery query) {
  if (config_.read_key.empty()) co_return dataset::missing_key(kQueryWhat, "read_key");
  if (query.filter.size() > kMaxQueryChars) {
    co_return Error{ErrorCode::invalid_argument,
                    std::string(kQueryWhat) + ": filter longer than " + std::to_string(kMaxQueryChars) + " characters"};
  }
  int max_count = query.max_count > 0 ? std::min(query.max_count, config_.max_rows) : config_.max_rows;
  nlohmann::json body = {{"queryType", "log"},
                         {"filter", query.filter},
                         {"startTime", query.range.start},
                         {"endTime", query.range.end},
                         {"maxCount", max_count},
                         {"pageMode", "tail"},
                         {"priority", config_.priority}};
  if (!query.continuation_token.empty()) body["continuationToken"] = query.continuation_token;
  dataset::add_account_selector(body, config_);
  Result<HttpResponse> r =
      co_await dataset::send(upstream_, config_.read_key, config_.scope, "POST", upstream_.url("/api/query"),
                             dataset::to_body(body), config_.query_timeout_ms);
  if (!r) co_return r.error();
  Result<nlohmann::json> answer = dataset::read_v1_answer(*r, kQueryWhat, config_.read_key, config_.server_error_retry_ms);
  if (!answer) co_return answer.error();
  co_return dataset::read_log_result(std::move(*answer), max_count);
}

}  // namespace triagent
