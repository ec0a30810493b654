// DataSet addEvents writer: session shape, strictly increasing ts, batching under the byte cap,
// one request in flight per session, status handling.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <condition_variable>
#include <mutex>
#include <set>

#include "connectors/dataset_add_events_body.hpp"
#include "connectors/dataset_session_turn.hpp"
#include "connectors_dataset_test_support.hpp"
#include "triagent/connectors/dataset_event_writer.hpp"

namespace triagent {
namespace {

namespace asio = boost::asio;
using dataset_test::body_of;
using dataset_test::DataSetHarness;
using dataset_test::header_of;
using dataset_test::kWriteKey;
using dataset_test::rethrow;
using dataset_test::store_into;
using testing::json_response;

constexpr std::int64_t kStartMs = 1'700'000'000'000;

HttpResult accepted(const HttpRequest&) { return json_response(200, R"({"status":"success","bytesCharged":10})"); }

DataSetEvent event(std::string message, std::string thread = "", int sev = 3) {
  DataSetEvent e;
  e.thread = std::move(thread);
  e.sev = sev;
  e.attrs = {{"message", std::move(message)}};
  return e;
}

std::vector<nlohmann::json> all_events(const std::vector<HttpRequest>& requests) {
  std::vector<nlohmann::json> out;
  for (const HttpRequest& r : requests) {
    nlohmann::json body = body_of(r);
    for (const nlohmann::json& e : body["events"]) out.push_back(e);
  }
  return out;
}

std::int64_t ts_of(const nlohmann::json& e) { return std::stoll(e["ts"].get<std::string>()); }

void expect_strictly_increasing(const std::vector<nlohmann::json>& events) {
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_GT(ts_of(events[i]), ts_of(events[i - 1])) << "at event " << i;
  }
}

// ---- request shape ---------------------------------------------------------------------------

TEST(DataSetEventWriterTest, SendsOneSessionWithBearerAndSessionInfo) {
  DataSetHarness h(accepted);
  ManualClock clock(kStartMs);
  DataSetEventWriter writer(h.config, h.upstream, clock, {"triaged-01", "triaged/audit", "triaged-audit"});
  DataSetEvent e = event("note posted", "T1", 4);
  e.attrs["action"] = "s1.note.post";
  auto r = h.run(writer.add({e}));
  ASSERT_TRUE(r) << r.error().message;

  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 1u);
  const HttpRequest& req = requests[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://sdl.test/api/addEvents");
  EXPECT_EQ(header_of(req, "Authorization"), std::string("Bearer ") + kWriteKey);
  EXPECT_EQ(header_of(req, "Content-Type"), "application/json");
  EXPECT_FALSE(find_header(req.headers, "S1-Scope").has_value());

  nlohmann::json body = body_of(req);
  EXPECT_EQ(body["session"], writer.session_id());
  EXPECT_EQ(body["sessionInfo"],
            (nlohmann::json{{"serverHost", "triaged-01"}, {"logfile", "triaged/audit"}, {"parser", "triaged-audit"}}));
  EXPECT_EQ(body["threads"], nlohmann::json::parse(R"([{"id":"T1","name":"T1"}])"));
  ASSERT_EQ(body["events"].size(), 1u);
  const nlohmann::json& sent = body["events"][0];
  EXPECT_EQ(sent["thread"], "T1");
  EXPECT_EQ(sent["sev"], 4);
  ASSERT_TRUE(sent["ts"].is_string());
  EXPECT_EQ(sent["ts"], "1700000000000000000");
  EXPECT_EQ(sent["attrs"], (nlohmann::json{{"message", "note posted"}, {"action", "s1.note.post"}}));
  EXPECT_FALSE(body.contains("token"));  // the key travels in the header only

  EXPECT_EQ(r->events, 1);
  EXPECT_EQ(r->requests, 1);
  EXPECT_EQ(r->bytes, static_cast<std::int64_t>(req.body.size()));
  DataSetWriterStats s = writer.stats();
  EXPECT_EQ(s.events_sent, 1);
  EXPECT_EQ(s.requests_sent, 1);
  EXPECT_EQ(s.bytes_sent, r->bytes);
  EXPECT_EQ(s.bytes_charged, 10);
}

TEST(DataSetEventWriterTest, EachWriterHasItsOwnSessionAndAttributes) {
  DataSetHarness h(accepted);
  ManualClock clock(kStartMs);
  h.config.add_events.server_host = "node-7";
  DataSetEventWriter analysis(h.config, h.upstream, clock);
  DataSetEventWriter audit(h.config, h.upstream, clock, {"node-7", "triagent/audit", "triagent-audit"});
  EXPECT_NE(analysis.session_id(), audit.session_id());
  ASSERT_EQ(analysis.session_id().size(), 36u);
  for (std::size_t dash : {8u, 13u, 18u, 23u}) EXPECT_EQ(analysis.session_id()[dash], '-');
  EXPECT_EQ(analysis.session_info().server_host, "node-7");
  EXPECT_EQ(analysis.session_info().parser, "triagent");
  EXPECT_EQ(audit.session_info().logfile, "triagent/audit");

  ASSERT_TRUE(h.run(analysis.add({event("a")})));
  ASSERT_TRUE(h.run(audit.add({event("b")})));
  auto requests = h.http.requests();
  EXPECT_EQ(body_of(requests[0])["sessionInfo"]["parser"], "triagent");
  EXPECT_EQ(body_of(requests[1])["sessionInfo"]["parser"], "triagent-audit");
  EXPECT_EQ(body_of(requests[1])["session"], audit.session_id());
}

TEST(DataSetEventWriterTest, EventsWithoutThreadOrAttrsStayValid) {
  DataSetHarness h(accepted);
  ManualClock clock(kStartMs);
  DataSetEventWriter writer(h.config, h.upstream, clock);
  DataSetEvent bare;
  bare.attrs = nullptr;
  ASSERT_TRUE(h.run(writer.add({bare})));
  nlohmann::json body = body_of(h.http.requests().at(0));
  EXPECT_EQ(body["threads"], nlohmann::json::array());
  EXPECT_EQ(body["events"][0]["attrs"], nlohmann::json::object());
  EXPECT_FALSE(body["events"][0].contains("thread"));
}

// ---- timestamps ------------------------------------------------------------------------------

TEST(DataSetEventWriterTest, TsStrictlyIncreasesWithAFixedClock) {
  DataSetHarness h(accepted);
  ManualClock clock(kStartMs);
  DataSetEventWriter writer(h.config, h.upstream, clock);
  ASSERT_TRUE(h.run(writer.add({event("a"), event("b"), event("c")})));
  ASSERT_TRUE(h.run(writer.add({event("d"), event("e")})));
  auto events = all_events(h.http.requests());
  ASSERT_EQ(events.size(), 5u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(ts_of(events[i]), kStartMs * 1'000'000 + static_cast<std::int64_t>(i));
  }
}

TEST(DataSetEventWriterTest, TsKeepsIncreasingWhenTheClockGoesBack) {
  DataSetHarness h(accepted);
  ManualClock clock(kStartMs);
  DataSetEventWriter writer(h.config, h.upstream, clock);
  ASSERT_TRUE(h.run(writer.add({event("a")})));
  clock.set_ms(kStartMs - 60'000);
  ASSERT_TRUE(h.run(writer.add({event("b")})));
  clock.set_ms(kStartMs + 5);
  ASSERT_TRUE(h.run(writer.add({event("c")})));
  auto events = all_events(h.http.requests());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(ts_of(events[0]), kStartMs * 1'000'000);
  EXPECT_EQ(ts_of(events[1]), kStartMs * 1'000'000 + 1);
  EXPECT_EQ(ts_of(events[2]), (kStartMs + 5) * 1'000'000);
}

TEST(DataSetEventWriterTest, CallerTimesAreUsedButBumpedWhenTheyDoNotIncrease) {
  DataSetHarness h(accepted);
  ManualClock clock(kStartMs);
  DataSetEventWriter writer(h.config, h.upstream, clock);
  DataSetEvent early = event("early");
  early.ts_ns = 1'600'000'000'000'000'000;
  DataSetEvent later = event("later");
  later.ts_ns = 1'800'000'000'000'000'000;
  DataSetEvent older = event("older");
  older.ts_ns = 1'500'000'000'000'000'000;
  ASSERT_TRUE(h.run(writer.add({early, later, older})));
  auto events = all_events(h.http.requests());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(ts_of(events[0]), 1'600'000'000'000'000'000);
  EXPECT_EQ(ts_of(events[1]), 1'800'000'000'000'000'000);
  EXPECT_EQ(ts_of(events[2]), 1'800'000'000'000'000'001);
}

// ---- batching --------------------------------------------------------------------------------

TEST(DataSetEventWriterTest, SplitsBatchesUnderTheCap) {
  DataSetHarness h(accepted);
  ManualClock clock(kStartMs);
  h.config.add_events.max_batch_bytes = 2048;
  DataSetEventWriter writer(h.config, h.upstream, clock);
  std::vector<DataSetEvent> batch;
  for (int i = 0; i < 40; ++i) {
    DataSetEvent e = event(std::string(120, 'm'), i % 3 == 0 ? "A" : "B");
    e.attrs["seq"] = i;
    batch.push_back(std::move(e));
  }
  auto r = h.run(writer.add(batch));
  ASSERT_TRUE(r) << r.error().message;

  auto requests = h.http.requests();
  ASSERT_GT(requests.size(), 2u);
  std::int64_t total_bytes = 0;
  for (const HttpRequest& req : requests) {
    EXPECT_LE(req.body.size(), 2048u);
    total_bytes += static_cast<std::int64_t>(req.body.size());
    nlohmann::json body = body_of(req);
    EXPECT_EQ(body["session"], writer.session_id());
    // Each request lists exactly the threads its events use.
    std::set<std::string> used, listed;
    for (const auto& e : body["events"]) used.insert(e["thread"].get<std::string>());
    for (const auto& t : body["threads"]) listed.insert(t["id"].get<std::string>());
    EXPECT_EQ(used, listed);
  }
  auto events = all_events(requests);
  ASSERT_EQ(events.size(), 40u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(events[i]["attrs"]["seq"], i);
  expect_strictly_increasing(events);
  EXPECT_EQ(r->events, 40);
  EXPECT_EQ(r->requests, static_cast<std::int64_t>(requests.size()));
  EXPECT_EQ(r->bytes, total_bytes);
  EXPECT_EQ(writer.stats().bytes_sent, total_bytes);
  EXPECT_EQ(writer.stats().events_sent, 40);
}

TEST(DataSetAddEventsBodiesTest, SizesAreExactAndBatchesAreFull) {
  dataset::AddEventsBodies bodies("s-1", {{"serverHost", "h"}}, 700);
  std::vector<dataset::StampedEvent> stamped;
  for (int i = 0; i < 30; ++i) {
    DataSetEvent e = event(std::string(static_cast<std::size_t>(10 + i * 7 % 40), 'x'), i % 2 ? "t1" : "t2");
    auto p = dataset::encode_event(e);
    ASSERT_TRUE(p);
    std::int64_t ts = 1'700'000'000'000'000'000 + i;  // 19 digits, the longest a ts has
    // A lone event's request is exactly as large as alone_bytes() says.
    auto alone = bodies.split({{dataset::with_ts(*p, ts), p->thread}});
    ASSERT_EQ(alone.size(), 1u);
    EXPECT_EQ(alone[0].body.size(), bodies.alone_bytes(*p));
    stamped.push_back({dataset::with_ts(*p, ts), p->thread});
  }
  auto split = bodies.split(stamped);
  std::size_t start = 0;
  for (std::size_t b = 0; b < split.size(); ++b) {
    EXPECT_LE(split[b].body.size(), 700u);
    EXPECT_TRUE(nlohmann::json::accept(split[b].body));
    std::size_t end = start + split[b].events;
    if (end < stamped.size()) {
      // Greedy: one more event would not have fitted.
      std::vector<dataset::StampedEvent> one_more(stamped.begin() + static_cast<std::ptrdiff_t>(start),
                                                  stamped.begin() + static_cast<std::ptrdiff_t>(end + 1));
      EXPECT_EQ(bodies.split(one_more).size(), 2u) << "body " << b;
    }
    start = end;
  }
  EXPECT_EQ(start, stamped.size());
}

TEST(DataSetEventWriterTest, RejectsAnOversizeEventWithoutSendingAnything) {
  DataSetHarness h(accepted);
  ManualClock clock(kStartMs);
  h.config.add_events.max_batch_bytes = 2048;
  DataSetEventWriter writer(h.config, h.upstream, clock);
  auto r = h.run(writer.add({event("small"), event(std::string(3000, 'x')), event("small")}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::too_large);
  EXPECT_NE(r.error().message.find("event 1"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("max_batch_bytes"), std::string::npos) << r.error().message;
  EXPECT_TRUE(h.http.requests().empty());
  EXPECT_EQ(writer.stats().events_rejected, 3);

  // The writer keeps working for events that fit.
  ASSERT_TRUE(h.run(writer.add({event("fine")})));
  EXPECT_EQ(h.http.requests().size(), 1u);
}

TEST(DataSetEventWriterTest, RejectsMalformedEvents) {
  DataSetHarness h(accepted);
  ManualClock clock(kStartMs);
  DataSetEventWriter writer(h.config, h.upstream, clock);
  DataSetEvent list;
  list.attrs = nlohmann::json::array({1, 2});
  auto r = h.run(writer.add({list}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  DataSetEvent loud = event("x", "", 9);
  EXPECT_FALSE(h.run(writer.add({loud})));
  EXPECT_TRUE(h.http.requests().empty());
}

TEST(DataSetEventWriterTest, InvalidUtf8IsReplacedNotThrown) {
  DataSetHarness h(accepted);
  ManualClock clock(kStartMs);
  DataSetEventWriter writer(h.config, h.upstream, clock);
  auto r = h.run(writer.add({event(std::string("bad \xff\xfe bytes"))}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(nlohmann::json::accept(h.http.requests().at(0).body));
}

// ---- status handling -------------------------------------------------------------------------

TEST(DataSetEventWriterTest, StatusPrefixesDecideTheError) {
  struct Case {
    const char* body;
    ErrorCode code;
    bool retry_later;
  };
  for (const Case& c : {Case{R"({"status":"error/client/badParam","message":"bad write key"})", ErrorCode::invalid_argument, false},
                        Case{R"({"status":"error/client/discardBuffer"})", ErrorCode::invalid_argument, false},
                        Case{R"({"status":"error/server/backoff","message":"slow down"})", ErrorCode::unavailable, true},
                        Case{R"({"status":"error/server"})", ErrorCode::unavailable, true},
                        Case{"", ErrorCode::unavailable, true}}) {
    DataSetHarness h([&c](const HttpRequest&) -> HttpResult { return json_response(200, c.body); });
    ManualClock clock(kStartMs);
    DataSetEventWriter writer(h.config, h.upstream, clock);
    auto r = h.run(writer.add({event("x")}));
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.error().code, c.code) << c.body;
    EXPECT_EQ(r.error().retry_after_ms.has_value(), c.retry_later) << c.body;
    EXPECT_EQ(h.http.requests().size(), 1u) << c.body;
    EXPECT_EQ(writer.stats().requests_failed, 1);
    EXPECT_EQ(writer.stats().events_sent, 0);
  }
}

TEST(DataSetEventWriterTest, UnauthorizedIsUnauthenticatedAndNeverShowsTheKey) {
  DataSetHarness h([](const HttpRequest& req) -> HttpResult {
    std::string auth = std::string(*find_header(req.headers, "Authorization"));
    return json_response(401, R"({"status":"error/client/badParam","message":"rejected )" + auth + R"("})");
  });
  ManualClock clock(kStartMs);
  DataSetEventWriter writer(h.config, h.upstream, clock);
  auto r = h.run(writer.add({event("x")}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(r.error().upstream_status, 401);
  EXPECT_EQ(r.error().message.find(kWriteKey), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("<redacted>"), std::string::npos) << r.error().message;
}

TEST(DataSetEventWriterTest, RetriesThroughCallUpstream) {
  int calls = 0;
  DataSetHarness h([&calls](const HttpRequest& r) -> HttpResult {
    return ++calls < 3 ? json_response(503, "{}") : accepted(r);
  });
  ManualClock clock(kStartMs);
  DataSetEventWriter writer(h.config, h.upstream, clock);
  ASSERT_TRUE(h.run(writer.add({event("x")})));
  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 3u);
  // A retry resends the same body: same session, same ts.
  EXPECT_EQ(requests[0].body, requests[2].body);
}

TEST(DataSetEventWriterTest, ALaterBatchFailureSaysHowManyEventsWereAccepted) {
  int calls = 0;
  DataSetHarness h([&calls](const HttpRequest& r) -> HttpResult {
    return ++calls == 1 ? accepted(r) : json_response(200, R"({"status":"error/client/badParam"})");
  });
  ManualClock clock(kStartMs);
  h.config.add_events.max_batch_bytes = 1024;
  DataSetEventWriter writer(h.config, h.upstream, clock);
  std::vector<DataSetEvent> batch(20, event(std::string(100, 'z')));
  auto r = h.run(writer.add(batch));
  ASSERT_FALSE(r);
  std::int64_t first = static_cast<std::int64_t>(body_of(h.http.requests().at(0))["events"].size());
  EXPECT_NE(r.error().message.find(std::to_string(first) + " of 20 events were accepted"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(writer.stats().events_sent, first);
  EXPECT_EQ(writer.stats().requests_sent, 1);
  EXPECT_EQ(writer.stats().requests_failed, 1);
}

TEST(DataSetEventWriterTest, NeedsAWriteKeyAndSendsNothingForNoEvents) {
  DataSetHarness h(accepted);
  ManualClock clock(kStartMs);
  DataSetEventWriter writer(h.config, h.upstream, clock);
  auto none = h.run(writer.add({}));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->events, 0);
  h.config.write_key = Secret();
  DataSetEventWriter keyless(h.config, h.upstream, clock);
  auto r = h.run(keyless.add({event("x")}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_NE(r.error().message.find("connectors.dataset.write_key"), std::string::npos);
  EXPECT_TRUE(h.http.requests().empty());
}

// ---- one request in flight per session -------------------------------------------------------

// Holds every request inside the scripted handler until the test opens it.
struct Gate {
  void enter_and_wait() {
    std::unique_lock lock(mutex);
    ++entered;
    cv.notify_all();
    cv.wait(lock, [this] { return open; });
  }
  void wait_entered(int n) {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return entered >= n; });
  }
  void open_all() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    cv.notify_all();
  }
  std::mutex mutex;
  std::condition_variable cv;
  int entered = 0;
  bool open = false;
};

// Opens the gate and drains the io_context even when an assertion returned early, so the scripted
// client's thread is never left blocked in its handler.
struct DrainOnExit {
  Gate& gate;
  asio::io_context& io;
  ~DrainOnExit() {
    gate.open_all();
    io.restart();
    io.run();
  }
};

TEST(DataSetEventWriterTest, OneRequestInFlightPerSession) {
  Gate gate;
  DataSetHarness h([&gate](const HttpRequest& r) -> HttpResult {
    gate.enter_and_wait();
    return accepted(r);
  });
  DrainOnExit drain{gate, h.io};
  ManualClock clock(kStartMs);
  DataSetEventWriter writer(h.config, h.upstream, clock);

  using Outcome = Result<DataSetAddEventsReceipt>;
  std::optional<Outcome> a, b, c;
  asio::co_spawn(h.io, store_into(a, writer.add({event("a1"), event("a2")})), rethrow);
  asio::co_spawn(h.io, store_into(b, writer.add({event("b")})), rethrow);
  asio::co_spawn(h.io, store_into(c, writer.add({event("c")})), rethrow);
  h.io.poll();  // a sends its request; b and c wait for the session's turn
  gate.wait_entered(1);
  EXPECT_EQ(h.http.requests().size(), 1u);
  EXPECT_EQ(writer.stats().calls_waiting, 2);

  gate.open_all();
  h.io.run();
  ASSERT_TRUE(a && *a) << (a ? a->error().message : "not run");
  ASSERT_TRUE(b && *b);
  ASSERT_TRUE(c && *c);
  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 3u);
  // First come, first served, and the session's ts order is the send order.
  auto events = all_events(requests);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0]["attrs"]["message"], "a1");
  EXPECT_EQ(events[2]["attrs"]["message"], "b");
  EXPECT_EQ(events[3]["attrs"]["message"], "c");
  expect_strictly_increasing(events);
  EXPECT_EQ(writer.stats().calls_waiting, 0);
}

TEST(DataSetEventWriterTest, ASplitCallKeepsItsRequestsTogether) {
  DataSetHarness h(accepted);
  ManualClock clock(kStartMs);
  h.config.add_events.max_batch_bytes = 1024;
  DataSetEventWriter writer(h.config, h.upstream, clock);
  std::vector<DataSetEvent> big(20, event(std::string(100, 'a')));
  using Outcome = Result<DataSetAddEventsReceipt>;
  std::optional<Outcome> a, b;
  asio::co_spawn(h.io, store_into(a, writer.add(big)), rethrow);
  asio::co_spawn(h.io, store_into(b, writer.add({event("b")})), rethrow);
  h.io.run();
  ASSERT_TRUE(a && *a);
  ASSERT_TRUE(b && *b);
  auto requests = h.http.requests();
  ASSERT_EQ(static_cast<std::int64_t>(requests.size()), (*a)->requests + 1);
  EXPECT_EQ(body_of(requests.back())["events"][0]["attrs"]["message"], "b");
  expect_strictly_increasing(all_events(requests));
}

TEST(DataSetSessionTurnTest, ACancelledWaiterLeavesTheQueue) {
  asio::io_context io;
  dataset::SessionTurn turn;
  using Held = std::optional<dataset::SessionTurn::Hold>;
  std::optional<Held> first, second, third;
  asio::co_spawn(io, store_into(first, turn.acquire()), rethrow);
  io.poll();
  ASSERT_TRUE(first && first->has_value());
  io.restart();  // poll() stopped the io_context when it ran out of work

  asio::cancellation_signal cancel;
  asio::co_spawn(io, store_into(second, turn.acquire()), asio::bind_cancellation_slot(cancel.slot(), rethrow));
  io.poll();
  EXPECT_FALSE(second.has_value());
  EXPECT_EQ(turn.waiting(), 1u);

  cancel.emit(asio::cancellation_type::terminal);
  io.poll();
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->has_value());
  EXPECT_EQ(turn.waiting(), 0u);

  first.reset();  // releases with nobody waiting: the turn is free again
  io.restart();
  asio::co_spawn(io, store_into(third, turn.acquire()), rethrow);
  io.poll();
  ASSERT_TRUE(third && third->has_value());
}

TEST(DataSetSessionTurnTest, ACoroutineCancelledBeforeItWaitsDoesNotKeepAPlace) {
  asio::io_context io;
  dataset::SessionTurn turn;
  using Held = std::optional<dataset::SessionTurn::Hold>;
  std::optional<Held> first, second, third;
  asio::co_spawn(io, store_into(first, turn.acquire()), rethrow);
  io.poll();
  ASSERT_TRUE(first && first->has_value());
  io.restart();

  // Cancelled before it ever runs: depending on Asio's throw_if_cancelled its wait either throws
  // operation_aborted or ends at once; either way it gets no turn and keeps no place in the queue.
  asio::cancellation_signal cancel;
  std::exception_ptr thrown;
  auto record = [&thrown](std::exception_ptr e) { thrown = e; };
  asio::co_spawn(io, store_into(second, turn.acquire()), asio::bind_cancellation_slot(cancel.slot(), record));
  cancel.emit(asio::cancellation_type::terminal);
  io.poll();
  EXPECT_TRUE(thrown != nullptr || (second.has_value() && !second->has_value()));
  EXPECT_EQ(turn.waiting(), 0u);

  first.reset();
  io.restart();
  asio::co_spawn(io, store_into(third, turn.acquire()), rethrow);
  io.poll();
  ASSERT_TRUE(third && third->has_value());
}

TEST(DataSetSessionTurnTest, WaitersAreServedInArrivalOrder) {
  asio::io_context io;
  dataset::SessionTurn turn;
  using Held = std::optional<dataset::SessionTurn::Hold>;
  std::optional<Held> holders[4];
  for (auto& h : holders) asio::co_spawn(io, store_into(h, turn.acquire()), rethrow);
  io.poll();
  ASSERT_TRUE(holders[0].has_value());
  for (int i = 1; i < 4; ++i) {
    EXPECT_FALSE(holders[i].has_value()) << i;
    holders[i - 1].reset();
    io.poll();
    ASSERT_TRUE(holders[i].has_value()) << i;
    for (int j = i + 1; j < 4; ++j) EXPECT_FALSE(holders[j].has_value()) << j;
  }
}

}  // namespace
}  // namespace triagent
