#include "connectors/dataset_session_turn.hpp"

#include <algorithm>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace triagent::dataset {

namespace asio = boost::asio;

// A timer that never expires by itself: release() cancels it to say "your turn".
struct SessionTurn::Waiter {
  explicit Waiter(const asio::any_io_executor& ex) : timer(ex, asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;
  bool granted = false;  // guarded by SessionTurn::mutex_
};

asio::awaitable<std::optional<SessionTurn::Hold>> SessionTurn::acquire() {
  auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  {
    std::lock_guard lock(mutex_);
    if (!held_) {
      held_ = true;
      co_return Hold(this);
    }
    waiters_.push_back(waiter);
  }
  try {
    // Wakes on release() (granted) or on the coroutine's cancellation (not granted); either way the
    // error code says operation_aborted, so `granted` decides.
    co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  } catch (...) {
    // A coroutine cancelled before it waited gets an exception instead: it must not stay queued,
    // or the turn would one day be handed to nobody.
    if (!leave(waiter)) release();
    throw;
  }
  if (!leave(waiter)) co_return Hold(this);
  co_return std::nullopt;
}

bool SessionTurn::leave(const std::shared_ptr<Waiter>& waiter) {
  std::lock_guard lock(mutex_);
  if (waiter->granted) return false;
  waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), waiter), waiters_.end());
  return true;
}

void SessionTurn::release() {
  std::shared_ptr<Waiter> next;
  {
    std::lock_guard lock(mutex_);
    if (waiters_.empty()) {
      held_ = false;
      return;
    }
    // The turn passes straight to the next waiter: held_ stays true, so no newcomer can overtake.
    next = std::move(waiters_.front());
    waiters_.pop_front();
    next->granted = true;
  }
  // The timer belongs to the waiter's executor: cancel it there, not from this thread.
  auto wake = [next] { next->timer.cancel(); };
  asio::post(next->timer.get_executor(), std::move(wake));
}

std::size_t SessionTurn::waiting() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

}  // namespace triagent::dataset
