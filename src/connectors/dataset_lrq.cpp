#include "triagent/connectors/dataset_lrq.hpp"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <optional>
#include <string>

#include "connectors/dataset_http.hpp"
#include "connectors/dataset_json.hpp"

namespace triagent {

namespace asio = boost::asio;
using nlohmann::json;

struct DataSetLrq::Counters {
  std::atomic<std::int64_t> launched{0};
  std::atomic<std::int64_t> polls{0};
  std::atomic<std::int64_t> completed{0};
  std::atomic<std::int64_t> failed{0};
  std::atomic<std::int64_t> delete_failures{0};
};

namespace {

const char* const kWhat = "dataset LRQ";
const char* const kForwardTag = "X-Dataset-Query-Forward-Tag";
constexpr std::size_t kMaxQueryChars = 10'000;

// The query id comes from the upstream: it goes into the path percent-encoded, whatever it holds.
std::string path_segment(std::string_view id) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 0xF];
    }
  }
  return out;
}

// Where a QueryResult stands. The total is `stepsTotal` in the generated client and `totalSteps`
// in the Grafana plugin (apis.md D.2): both are read.
struct Progress {
  std::int64_t completed = 0;
  bool done = false;
  std::string error;  // non-empty: the query failed server-side
};

Progress read_progress(const json& result) {
  Progress p;
  p.completed = dataset::integer(dataset::member(result, "stepsCompleted")).value_or(0);
  std::optional<std::int64_t> total = dataset::integer(dataset::member(result, "stepsTotal"));
  if (!total) total = dataset::integer(dataset::member(result, "totalSteps"));
  const json* data = dataset::member(result, "data");
  bool data_ready = data != nullptr && data->is_object();
  p.done = total ? (p.completed >= *total && (*total > 0 || data_ready)) : data_ready;
  if (const json* error = dataset::member(result, "error"); error != nullptr && !error->is_null()) {
    p.error = dataset::text(dataset::member(*error, "message"));
    if (p.error.empty()) p.error = error->is_string() ? error->get<std::string>() : error->dump(-1, ' ', false, json::error_handler_t::replace);
    if (p.error.empty()) p.error = "unspecified error";
  }
  return p;
}

// False when the wait was cancelled.
asio::awaitable<bool> sleep_ms(std::int64_t delay_ms) {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(delay_ms));
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return s;
}

HttpHeaders tag_header(const std::string& tag) {
  if (tag.empty()) return {};
  return {{kForwardTag, tag}};
}

// One LRQ session from launch to delete; lives in the calling coroutine's frame.
class LrqRun {
 public:
  LrqRun(const DataSetConfig& config, const Upstream& upstream, const Secret& token)
      : config_(config), upstream_(upstream), token_(token), base_(upstream.url(config.lrq.base_path)) {}

  asio::awaitable<Result<json>> launch(const DataSetPowerQuery& query) {
    json body = {{"queryType", "PQ"},
                 {"startTime", query.range.start},
                 {"endTime", query.range.end},
                 {"queryPriority", upper(config_.priority)},
                 {"pq", {{"query", query.query}, {"resultType", "TABLE"}}}};
    dataset::add_account_selector(body, config_);
    Result<HttpResponse> r = co_await dataset::send(upstream_, token_, config_.scope, "POST", base_,
                                                    dataset::to_body(body), config_.query_timeout_ms);
    if (!r) co_return r.error();
    Result<json> answer = dataset::read_json_answer(*r, std::string(kWhat) + " launch", token_);
    if (!answer) co_return answer.error();
    id_ = dataset::text(dataset::member(*answer, "id"));
    if (id_.empty()) co_return Error{ErrorCode::unavailable, std::string(kWhat) + " launch: answer has no query id"};
    if (auto tag = r->header(kForwardTag)) tag_ = std::string(*tag);
    co_return answer;
  }

  // Polls until the query is done; the table of its data.
  asio::awaitable<Result<DataSetTable>> follow(json current, std::atomic<std::int64_t>& poll_count) {
    for (int polls = 0;; ++polls) {
      Progress p = read_progress(current);
      if (!p.error.empty()) {
        co_return Error{ErrorCode::invalid_argument, dataset::scrub(std::string(kWhat) + ": query failed: " +
                                                                        dataset::printable(p.error), token_)};
      }
      if (p.done) {
        const json* data = dataset::member(current, "data");
        if (data == nullptr || !data->is_object()) {
          co_return Error{ErrorCode::unavailable, std::string(kWhat) + ": query finished without data"};
        }
        co_return dataset::read_table(*data, config_.max_rows);
      }
      if (polls >= config_.lrq.max_polls) {
        co_return Error{ErrorCode::timeout, std::string(kWhat) + ": query not finished after " +
                                                std::to_string(polls) + " polls"};
      }
      if (!co_await sleep_ms(config_.lrq.poll_interval_ms)) {
        co_return Error{ErrorCode::cancelled, std::string(kWhat) + ": cancelled while polling"};
      }
      ++poll_count;
      std::string url = base_ + "/" + path_segment(id_) + "?lastStepSeen=" + std::to_string(p.completed);
      Result<HttpResponse> r = co_await dataset::send(upstream_, token_, config_.scope, "GET", std::move(url), "",
                                                      config_.query_timeout_ms, tag_header(tag_));
      if (!r) co_return r.error();
      Result<json> answer = dataset::read_json_answer(*r, std::string(kWhat) + " poll", token_);
      if (!answer) co_return answer.error();
      // A poll may be routed with a newer tag; the latest one is kept.
      if (auto tag = r->header(kForwardTag)) tag_ = std::string(*tag);
      current = std::move(*answer);
    }
  }

  // DELETE, best effort: true when the server confirmed it.
  asio::awaitable<bool> remove() {
    std::string url = base_ + "/" + path_segment(id_);
    Result<HttpResponse> r = co_await dataset::send(upstream_, token_, config_.scope, "DELETE", std::move(url), "",
                                                    config_.query_timeout_ms, tag_header(tag_));
    co_return r && r->status >= 200 && r->status < 300;
  }

 private:
  const DataSetConfig& config_;
  const Upstream& upstream_;
  const Secret& token_;
  std::string base_;
  std::string id_;
  std::string tag_;
};

}  // namespace

DataSetLrq::DataSetLrq(DataSetConfig config, Upstream upstream)
    : config_(std::move(config)), upstream_(std::move(upstream)), counters_(std::make_shared<Counters>()) {}

asio::awaitable<Result<DataSetTable>> DataSetLrq::power_query(DataSetPowerQuery query) {
  const Secret& token = config_.lrq.token.empty() ? config_.read_key : config_.lrq.token;
  if (token.empty()) co_return dataset::missing_key(kWhat, "read_key");
  if (query.query.empty()) co_return Error{ErrorCode::invalid_argument, std::string(kWhat) + ": empty query"};
  if (query.query.size() > kMaxQueryChars) {
    co_return Error{ErrorCode::invalid_argument,
                    std::string(kWhat) + ": query longer than " + std::to_string(kMaxQueryChars) + " characters"};
  }
  LrqRun run(config_, upstream_, token);
  try {
    Result<json> launched = co_await run.launch(query);
    if (!launched) co_return launched.error();
    ++counters_->launched;
    Result<DataSetTable> table = co_await run.follow(std::move(*launched), counters_->polls);
    // A query left behind costs the account until it expires: delete it whatever happened.
    if (!co_await run.remove()) ++counters_->delete_failures;
    ++(table ? counters_->completed : counters_->failed);
    co_return table;
  } catch (const boost::system::system_error& e) {
    // Asio throws operation_aborted into a coroutine whose cancellation state was set.
    if (e.code() != asio::error::operation_aborted) throw;
  }
  ++counters_->failed;
  co_return Error{ErrorCode::cancelled, std::string(kWhat) + ": cancelled"};
}

DataSetLrqStats DataSetLrq::stats() const {
  return DataSetLrqStats{counters_->launched.load(), counters_->polls.load(), counters_->completed.load(),
                         counters_->failed.load(), counters_->delete_failures.load()};
}

}  // namespace triagent
