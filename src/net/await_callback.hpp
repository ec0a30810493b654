#pragma once
// await_callback: co_await an operation that completes through a std::function callback (the
// queue's and the handlers' style), resuming on the awaiting coroutine's own executor.
//
//   Result<EnqueueOutcome> r = co_await await_callback<Result<EnqueueOutcome>>(
//       [&](std::function<void(Result<EnqueueOutcome>)> cb) { queue.enqueue(job, std::move(cb)); },
//       make_error(ErrorCode::internal, "dropped"));
//
// The callback may be called from any thread. If every copy of it is destroyed without being
// called, the coroutine resumes with `if_dropped` instead of hanging forever.
//
// A narrow header: only the few files that bridge callbacks to coroutines include it.

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace triagent {

namespace detail {

// Owns the coroutine's completion handler; completes it exactly once, on the handler's executor.
template <class T, class Handler>
class CallbackCompletion {
 public:
  CallbackCompletion(Handler handler, T if_dropped)
      : executor_(boost::asio::get_associated_executor(handler)),
        handler_(std::move(handler)),
        if_dropped_(std::move(if_dropped)) {}

  ~CallbackCompletion() {
    if (handler_) post_completion(std::move(if_dropped_));
  }

  void complete(T value) {
    std::lock_guard lock(mu_);
    if (handler_) post_completion(std::move(value));
  }

 private:
  void post_completion(T value) {
    auto handler = std::move(*handler_);
    handler_.reset();
    boost::asio::post(executor_, [h = std::move(handler), v = std::move(value)]() mutable { h(std::move(v)); });
  }

  boost::asio::associated_executor_t<Handler> executor_;
  std::optional<Handler> handler_;
  T if_dropped_;
  std::mutex mu_;
};

}  // namespace detail

template <class T, class Start>
boost::asio::awaitable<T> await_callback(Start start, T if_dropped) {
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(T)>(
      [](auto handler, Start start, T if_dropped) {
        using H = decltype(handler);
        auto completion = std::make_shared<detail::CallbackCompletion<T, H>>(std::move(handler), std::move(if_dropped));
        start(std::function<void(T)>([completion](T value) { completion->complete(std::move(value)); }));
      },
      boost::asio::use_awaitable, std::move(start), std::move(if_dropped));
}

}  // namespace triagent
