// Tests for the libcurl HttpClient against the local fault server: responses, connection reuse,
// trace propagation, stalls, resets, slow bodies, size caps, cancellation, and 1,000 concurrent
// requests on one client thread.
#include "triagent/net/http_client.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>

#include "net_http_client_test_support.hpp"
#include "support/fault_server.hpp"
#include "triagent/net/http_client_outcome.hpp"
#include "triagent/resilience/retry_policy.hpp"

namespace triagent::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct HttpClientTest : ::testing::Test {
  FaultServer server;
  HttpClientConfig config = local_config();
  std::unique_ptr<HttpClient> client;

  HttpClient& c() {
    if (!client) client = make_curl_http_client(config);
    return *client;
  }
};

TEST_F(HttpClientTest, GetReturnsStatusHeadersBodyAndTiming) {
  HttpResult r = send_and_wait(c(), get(server.url("/ok")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(r->http_version, 11);
  EXPECT_EQ(r->header("CONTENT-TYPE"), "text/plain");
  EXPECT_GT(r->timing.total_us, 0);
  EXPECT_GE(r->timing.total_us, r->timing.connect_us);
  EXPECT_FALSE(r->timing.reused_connection);
  EXPECT_TRUE(r->span_id.empty());
}

TEST_F(HttpClientTest, PostSendsBodyAndHeadersWithoutExpectContinue) {
  HttpRequest req = get(server.url("/echo"));
  req.method = "POST";
  req.headers = {{"Content-Type", "application/json"}, {"X-Custom", "value 1"}};
  req.body = std::string(200'000, 'b');  // big enough that libcurl would otherwise send Expect
  HttpResult r = send_and_wait(c(), req);
  ASSERT_TRUE(r) << r.error().message;
  RecordedRequest seen = server.last_request();
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.body, req.body);
  EXPECT_EQ(seen.header("x-custom"), "value 1");
  EXPECT_EQ(seen.header("content-type"), "application/json");
  EXPECT_FALSE(seen.header("expect").has_value());
  EXPECT_EQ(seen.header("user-agent"), "triagent/0.1");
}

TEST_F(HttpClientTest, OtherMethodsAndEmptyHeaderValues) {
  for (const char* method : {"PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    HttpRequest req = get(server.url("/echo"));
    req.method = method;
    req.headers = {{"X-Empty", ""}};
    if (std::string(method) != "HEAD" && std::string(method) != "DELETE") req.body = "data";
    HttpResult r = send_and_wait(c(), req);
    ASSERT_TRUE(r) << method << ": " << r.error().message;
    RecordedRequest seen = server.last_request();
    EXPECT_EQ(seen.method, method);
    EXPECT_EQ(seen.header("x-empty"), "");
    if (!req.body.empty()) {
      EXPECT_EQ(seen.body, "data");
    }
  }
}

TEST_F(HttpClientTest, EachAttemptSendsTraceparentWithANewSpan) {
  TraceContext job_trace = TraceContext::generate();
  HttpRequest req = get(server.url("/echo"));
  req.trace = job_trace;
  req.headers = {{"traceparent", "00-stale-header-should-be-replaced"}};
  HttpResult first = send_and_wait(c(), req);
  HttpResult second = send_and_wait(c(), req);
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  std::vector<RecordedRequest> seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  auto a = TraceContext::parse(seen[0].header("traceparent").value_or(""));
  auto b = TraceContext::parse(seen[1].header("traceparent").value_or(""));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->trace_id, job_trace.trace_id);
  EXPECT_EQ(b->trace_id, job_trace.trace_id);
  EXPECT_NE(a->span_id, b->span_id);
  EXPECT_NE(a->span_id, job_trace.span_id);
  EXPECT_EQ(first->span_id, a->span_id);
  EXPECT_EQ(second->span_id, b->span_id);
}

TEST_F(HttpClientTest, ReusesOneKeepAliveConnection) {
  for (int i = 0; i < 20; ++i) {
    HttpResult r = send_and_wait(c(), get(server.url("/ok")));
    ASSERT_TRUE(r) << r.error().message;
    if (i > 0) {
      EXPECT_TRUE(r->timing.reused_connection);
    }
  }
  EXPECT_EQ(server.connections_accepted(), 1);
  EXPECT_EQ(c().stats().connections_opened_total, 1);
  EXPECT_EQ(c().stats().succeeded_total, 20);
}

TEST_F(HttpClientTest, ServerClosingTheConnectionMeansANewOneNextTime) {
  ASSERT_TRUE(send_and_wait(c(), get(server.url("/close"))));
  ASSERT_TRUE(send_and_wait(c(), get(server.url("/ok"))));
  EXPECT_EQ(server.connections_accepted(), 2);
}

TEST_F(HttpClientTest, StalledServerTimesOutAtTheDeadline) {
  auto start = Clock::now();
  HttpResult r = send_and_wait(c(), get(server.url("/stall")), 300ms);
  auto elapsed = Clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpErrorKind::timeout);
  EXPECT_GE(elapsed, 290ms);
  EXPECT_LT(elapsed, 5s);
}

TEST_F(HttpClientTest, ResetMidBodyAndHangupAreTransportErrors) {
  HttpResult reset = send_and_wait(c(), get(server.url("/reset")));
  ASSERT_FALSE(reset);
  EXPECT_EQ(reset.error().kind, HttpErrorKind::transport) << reset.error().message;
  EXPECT_TRUE(is_transient(reset.error().kind));
  HttpResult hangup = send_and_wait(c(), get(server.url("/hangup")));
  ASSERT_FALSE(hangup);
  EXPECT_EQ(hangup.error().kind, HttpErrorKind::transport) << hangup.error().message;
  EXPECT_EQ(to_attempt_outcome(hangup).kind, AttemptOutcome::Kind::transient_error);
}

TEST_F(HttpClientTest, SlowBodyCompletesWithinTheDeadlineAndTimesOutBeyondIt) {
  HttpResult slow = send_and_wait(c(), get(server.url("/slow?bytes=5&interval_ms=20")));
  ASSERT_TRUE(slow) << slow.error().message;
  EXPECT_EQ(slow->body, "xxxxx");
  EXPECT_GE(slow->timing.total_us, 90'000);

  HttpResult too_slow = send_and_wait(c(), get(server.url("/slow?bytes=100&interval_ms=50")), 400ms);
  ASSERT_FALSE(too_slow);
  EXPECT_EQ(too_slow.error().kind, HttpErrorKind::timeout);
}

TEST_F(HttpClientTest, RateLimitedResponseCarriesRetryAfterIntoTheRetryPolicy) {
  HttpResult r = send_and_wait(c(), get(server.url("/status?code=429&retry_after=2&retry_after_ms=1500")));
  ASSERT_TRUE(r);  // an HTTP status is a response, not a transport error
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->header("retry-after"), "2");
  AttemptOutcome outcome = to_attempt_outcome(r);
  EXPECT_EQ(outcome.kind, AttemptOutcome::Kind::response);
  EXPECT_EQ(outcome.status, 429);
  ManualClock clock;
  SeededRandom rng(1);
  RetryPolicy policy(RetryConfig{}, clock, rng);
  RetryDecision d = policy.decide(outcome, 1);
  EXPECT_EQ(d.verdict, RetryVerdict::retry);
  EXPECT_EQ(d.delay_ms, 1'500);  // retry-after-ms wins over Retry-After

  HttpResult unavailable = send_and_wait(c(), get(server.url("/status?code=503&should_retry=false")));
  ASSERT_TRUE(unavailable);
  EXPECT_EQ(unavailable->status, 503);
  EXPECT_EQ(policy.decide(to_attempt_outcome(unavailable), 1).verdict, RetryVerdict::give_up);
}

TEST_F(HttpClientTest, BodyOverTheCapIsTooLargeWithOrWithoutContentLength) {
  config.max_response_bytes = 64 * 1024;
  HttpResult fits = send_and_wait(c(), get(server.url("/bytes?n=65536")));
  ASSERT_TRUE(fits) << fits.error().message;
  EXPECT_EQ(fits->body.size(), 65'536u);

  HttpResult declared = send_and_wait(c(), get(server.url("/bytes?n=65537")));
  ASSERT_FALSE(declared);
  EXPECT_EQ(declared.error().kind, HttpErrorKind::too_large) << declared.error().message;

  HttpResult chunked = send_and_wait(c(), get(server.url("/bytes?n=5000000&chunked=1")));
  ASSERT_FALSE(chunked);
  EXPECT_EQ(chunked.error().kind, HttpErrorKind::too_large) << chunked.error().message;
  EXPECT_EQ(to_attempt_outcome(chunked).kind, AttemptOutcome::Kind::permanent_error);

  HttpRequest small = get(server.url("/bytes?n=100"));
  small.max_response_bytes = 99;
  HttpResult per_request = send_and_wait(c(), small);
  ASSERT_FALSE(per_request);
  EXPECT_EQ(per_request.error().kind, HttpErrorKind::too_large);
}

TEST_F(HttpClientTest, ResponseHeadersOverTheCapAreTooLarge) {
  config.max_response_header_bytes = 8 * 1024;
  HttpResult fits = send_and_wait(c(), get(server.url("/big-headers?n=50")));
  ASSERT_TRUE(fits) << fits.error().message;
  EXPECT_EQ(fits->headers.size(), 51u);
  HttpResult r = send_and_wait(c(), get(server.url("/big-headers?n=100")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpErrorKind::too_large) << r.error().message;
}

TEST_F(HttpClientTest, CancellingAStalledRequestCompletesPromptlyAndClosesTheConnection) {
  auto promise = std::make_shared<std::promise<HttpResult>>();
  auto future = promise->get_future();
  HttpRequestId id = c().send(get(server.url("/stall")), deadline_after(60s),
                              [promise](HttpResult r) { promise->set_value(std::move(r)); });
  ASSERT_TRUE(server.wait_for([](const FaultServer& s) { return s.requests_served() == 1; }, 20s));
  auto start = Clock::now();
  c().cancel(id);
  ASSERT_EQ(future.wait_for(20s), std::future_status::ready);
  EXPECT_LT(Clock::now() - start, 2s);
  HttpResult r = future.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpErrorKind::cancelled);
  EXPECT_EQ(to_attempt_outcome(r).kind, AttemptOutcome::Kind::cancelled);
  EXPECT_TRUE(server.wait_for([](const FaultServer& s) { return s.connections_open() == 0; }, 20s));
  EXPECT_EQ(c().stats().cancelled_total, 1);
  EXPECT_EQ(c().stats().in_flight, 0);
  c().cancel(id);  // again, after completion: ignored
  c().cancel(987654321);
  EXPECT_TRUE(send_and_wait(c(), get(server.url("/ok"))));
}

TEST_F(HttpClientTest, CancelRightAfterSendNeverReachesTheServerOrCallsBackTwice) {
  std::atomic<int> calls{0};
  auto promise = std::make_shared<std::promise<HttpResult>>();
  auto future = promise->get_future();
  HttpRequestId id = c().send(get(server.url("/stall")), deadline_after(60s), [promise, &calls](HttpResult r) {
    if (++calls == 1) promise->set_value(std::move(r));
  });
  c().cancel(id);
  ASSERT_EQ(future.wait_for(20s), std::future_status::ready);
  EXPECT_EQ(future.get().error().kind, HttpErrorKind::cancelled);
  EXPECT_TRUE(send_and_wait(c(), get(server.url("/ok"))));  // the client thread is past the cancel
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(HttpClientTest, PassedDeadlineFailsWithoutConnecting) {
  HttpResult r = send_and_wait(c(), get(server.url("/ok")), -1ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpErrorKind::timeout);
  EXPECT_EQ(server.connections_accepted(), 0);
}

TEST_F(HttpClientTest, InvalidRequestsAreRefusedBeforeSending) {
  HttpRequest injected = get(server.url("/ok"));
  injected.headers = {{"X-Evil", "a\r\nX-Injected: 1"}};
  HttpRequest bad_name = get(server.url("/ok"));
  bad_name.headers = {{"Bad Name", "x"}};
  HttpRequest bad_method = get(server.url("/ok"));
  bad_method.method = "GET /x";
  for (const HttpRequest& req : {injected, bad_name, bad_method, get("ftp://127.0.0.1/x"), get("not a url"),
                                 get(""), get("http://127.0.0.1:1/\r\n")}) {
    HttpResult r = send_and_wait(c(), req);
    ASSERT_FALSE(r) << req.url;
    EXPECT_EQ(r.error().kind, HttpErrorKind::invalid_request) << req.url << " " << r.error().message;
  }
  EXPECT_EQ(server.connections_accepted(), 0);
}

TEST_F(HttpClientTest, RefusedConnectionIsAConnectError) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);  // the port is now closed: connecting is refused
  HttpResult r = send_and_wait(c(), get("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpErrorKind::connect) << r.error().message;
  EXPECT_EQ(r.error().to_error().code, ErrorCode::unavailable);
}

TEST_F(HttpClientTest, DestroyingTheClientFailsOpenRequestsWithShutdown) {
  auto promise = std::make_shared<std::promise<HttpResult>>();
  auto future = promise->get_future();
  c().send(get(server.url("/stall")), deadline_after(60s), [promise](HttpResult r) { promise->set_value(std::move(r)); });
  ASSERT_TRUE(server.wait_for([](const FaultServer& s) { return s.requests_served() == 1; }, 20s));
  client.reset();
  ASSERT_EQ(future.wait_for(0s), std::future_status::ready);
  EXPECT_EQ(future.get().error().kind, HttpErrorKind::shutdown);
}

TEST_F(HttpClientTest, ThousandConcurrentRequestsOnOneClientThread) {
  constexpr int kRequests = 1000;
  config.max_connections_per_host = 16;
  int before = thread_count();
  HttpClient& cl = c();
  int with_client = thread_count();
  EXPECT_EQ(with_client, before + 1);

  std::atomic<int> done{0}, ok{0}, peak_threads{0};
  std::promise<void> all_done;
  auto start = Clock::now();
  for (int i = 0; i < kRequests; ++i) {
    cl.send(get(server.url("/ok")), deadline_after(60s), [&](HttpResult r) {
      if (r && r->status == 200 && r->body == "ok") ++ok;
      int n = ++done;
      if (n % 100 == 0) peak_threads = std::max(peak_threads.load(), thread_count());
      if (n == kRequests) all_done.set_value();
    });
  }
  ASSERT_EQ(all_done.get_future().wait_for(120s), std::future_status::ready);
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(ok.load(), kRequests);
  EXPECT_LE(peak_threads.load(), before + 1);
  EXPECT_LE(server.connections_accepted(), 16);
  EXPECT_EQ(cl.stats().in_flight, 0);
  RecordProperty("requests_per_second", std::to_string(static_cast<int>(kRequests / seconds)));
  std::printf("[ figures  ] %d requests in %.3f s (%.0f/s) over %d connections, peak threads %d (baseline %d)\n",
              kRequests, seconds, kRequests / seconds, server.connections_accepted(), peak_threads.load(), before);
}

TEST(HttpClientConfigTest, ValidationNamesTheKeyAndTheFactoryRefusesBadConfig) {
  HttpClientConfig c;
  EXPECT_TRUE(validate(c).has_value());
  c.connect_timeout_ms = 0;
  ASSERT_FALSE(validate(c).has_value());
  EXPECT_EQ(validate(c).error().message, "http_client.connect_timeout_ms: must be >= 1");
  EXPECT_THROW(make_curl_http_client(c), std::invalid_argument);
  c = HttpClientConfig{};
  c.user_agent = "x\r\ny";
  EXPECT_NE(validate(c).error().message.find("user_agent"), std::string::npos);
}

TEST(HttpTypesTest, HeaderLookupIgnoresCaseAndErrorsMapToCoreCodes) {
  HttpHeaders h = {{"Retry-After", "5"}, {"retry-after", "6"}};
  EXPECT_EQ(find_header(h, "RETRY-AFTER"), "5");
  EXPECT_FALSE(find_header(h, "retry"));
  EXPECT_EQ((HttpError{HttpErrorKind::timeout, "t", {}, {}}.to_error().code), ErrorCode::timeout);
  EXPECT_EQ((HttpError{HttpErrorKind::too_large, "t", {}, {}}.to_error().code), ErrorCode::too_large);
  EXPECT_EQ((HttpError{HttpErrorKind::tls, "t", {}, {}}.to_error().code), ErrorCode::unavailable);
  for (HttpErrorKind k : {HttpErrorKind::timeout, HttpErrorKind::resolve, HttpErrorKind::connect, HttpErrorKind::transport}) {
    EXPECT_TRUE(is_transient(k)) << to_string(k);
  }
  for (HttpErrorKind k : {HttpErrorKind::tls, HttpErrorKind::too_large, HttpErrorKind::cancelled,
                          HttpErrorKind::invalid_request, HttpErrorKind::shutdown}) {
    EXPECT_FALSE(is_transient(k)) << to_string(k);
  }
  HttpResult r = HttpResponse{};
  Result<HttpResponse> converted = std::move(r).to_result();
  EXPECT_TRUE(converted.has_value());
}

}  // namespace
}  // namespace triagent::test
