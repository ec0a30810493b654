// Tests for async_send, the coroutine adapter of HttpClient: the result arrives on the coroutine's
// executor, and cancelling the coroutine cancels the transfer.
#include "triagent/net/http_client_awaitable.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "net_http_client_test_support.hpp"
#include "support/fault_server.hpp"

namespace triagent::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;

struct Observed {
  std::optional<HttpResult> result;
  std::thread::id resumed_on;
};

asio::awaitable<void> fetch(HttpClient* client, std::string url, Observed* out) {
  HttpResult r = co_await async_send(*client, get(url), deadline_after(20s), asio::use_awaitable);
  out->resumed_on = std::this_thread::get_id();
  out->result = std::move(r);
}

asio::awaitable<void> fetch_or_give_up(HttpClient* client, std::string url, std::chrono::milliseconds patience,
                                       std::size_t* winner) {
  asio::steady_timer timer(co_await asio::this_coro::executor, patience);
  auto v = co_await (async_send(*client, get(url), deadline_after(60s), asio::use_awaitable) ||
                     timer.async_wait(asio::use_awaitable));
  *winner = v.index();
}

struct HttpClientAwaitableTest : ::testing::Test {
  FaultServer server;
  asio::io_context io;
  // Declared last so it is destroyed first: the client must not outlive the executor it posts to.
  std::unique_ptr<HttpClient> client = make_curl_http_client(local_config());
};

TEST_F(HttpClientAwaitableTest, ResultArrivesOnTheCoroutinesThread) {
  Observed seen;
  asio::co_spawn(io, fetch(client.get(), server.url("/ok"), &seen), asio::detached);
  io.run();  // returns only once the coroutine is done: the operation holds work on the executor
  ASSERT_TRUE(seen.result.has_value());
  ASSERT_TRUE(*seen.result) << seen.result->error().message;
  EXPECT_EQ((*seen.result)->status, 200);
  EXPECT_EQ(seen.resumed_on, std::this_thread::get_id());
}

TEST_F(HttpClientAwaitableTest, ManyCoroutinesShareTheClient) {
  std::vector<Observed> seen(200);
  for (Observed& s : seen) asio::co_spawn(io, fetch(client.get(), server.url("/ok"), &s), asio::detached);
  io.run();
  for (const Observed& s : seen) {
    ASSERT_TRUE(s.result && *s.result);
    EXPECT_EQ((*s.result)->body, "ok");
  }
}

TEST_F(HttpClientAwaitableTest, LosingARaceCancelsTheTransfer) {
  std::size_t winner = 99;
  asio::co_spawn(io, fetch_or_give_up(client.get(), server.url("/stall"), 200ms, &winner), asio::detached);
  auto start = std::chrono::steady_clock::now();
  io.run();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_EQ(winner, 1u);  // the timer
  EXPECT_EQ(client->stats().cancelled_total, 1);
  EXPECT_EQ(client->stats().in_flight, 0);
  EXPECT_TRUE(server.wait_for([](const FaultServer& s) { return s.connections_open() == 0; }, 20s));
}

TEST_F(HttpClientAwaitableTest, WinningTheRaceLeavesNothingBehind) {
  std::size_t winner = 99;
  asio::co_spawn(io, fetch_or_give_up(client.get(), server.url("/ok"), 20s, &winner), asio::detached);
  io.run();
  EXPECT_EQ(winner, 0u);
  EXPECT_EQ(client->stats().cancelled_total, 0);
}

TEST_F(HttpClientAwaitableTest, CancellationSignalOnTheSpawnCancelsAMidFlightRequest) {
  Observed seen;
  asio::cancellation_signal signal;
  asio::co_spawn(io, fetch(client.get(), server.url("/stall"), &seen),
                 asio::bind_cancellation_slot(signal.slot(), asio::detached));
  std::thread runner([this] { io.run(); });
  ASSERT_TRUE(server.wait_for([](const FaultServer& s) { return s.requests_served() == 1; }, 20s));
  // Emitted on the coroutine's executor, as Asio requires.
  asio::post(io, [&signal] { signal.emit(asio::cancellation_type::terminal); });
  runner.join();
  ASSERT_TRUE(seen.result.has_value());
  ASSERT_FALSE(*seen.result);
  EXPECT_EQ(seen.result->error().kind, HttpErrorKind::cancelled);
}

}  // namespace
}  // namespace triagent::test
