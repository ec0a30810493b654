#pragma once
// SessionTurn: an asynchronous first-come-first-served lock. DataSet accepts one addEvents request
// in flight per session (A.9), so a writer's callers take turns: the holder sends, the others are
// suspended coroutines (each on a timer of its own executor), never blocked threads, and are woken
// in arrival order.
//
//   std::optional<SessionTurn::Hold> hold = co_await turn.acquire();
//   if (!hold) co_return cancelled;          // the waiting coroutine was cancelled
//   co_await send_batches();                 // the turn passes on when `hold` is destroyed
//
// Thread-safe: callers may run on different executors and threads. The turn must outlive its holders
// and waiters.

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace triagent::dataset {

class SessionTurn {
 public:
  // Holding the turn; destroying (or moving from and destroying) it hands the turn on.
  class Hold {
   public:
    explicit Hold(SessionTurn* turn) : turn_(turn) {}
    Hold(Hold&& other) noexcept : turn_(std::exchange(other.turn_, nullptr)) {}
    Hold& operator=(Hold&&) = delete;
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    ~Hold() {
      if (turn_ != nullptr) turn_->release();
    }

   private:
    SessionTurn* turn_;
  };

  SessionTurn() = default;
  SessionTurn(const SessionTurn&) = delete;
  SessionTurn& operator=(const SessionTurn&) = delete;

  // The turn, once every earlier caller has had its own; nullopt when the wait was cancelled.
  boost::asio::awaitable<std::optional<Hold>> acquire();

  // Callers suspended in acquire() right now.
  std::size_t waiting() const;

 private:
  struct Waiter;
  void release();
  // Takes a woken or failing waiter out of the queue; false when it was granted the turn meanwhile.
  bool leave(const std::shared_ptr<Waiter>& waiter);

  mutable std::mutex mutex_;
  bool held_ = false;
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace triagent::dataset
