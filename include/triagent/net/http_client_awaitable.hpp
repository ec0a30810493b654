#pragma once
// async_send: HttpClient::send as an Asio asynchronous operation, so a coroutine writes
//
//   HttpResult r = co_await async_send(client, std::move(req), deadline_after(10s), asio::use_awaitable);
//
// The completion runs on the handler's associated executor (the coroutine's), never on the client's
// thread. Cancelling the coroutine (a cancellation-slot emission of any type, e.g. from
// `awaitable_operators ||` or a task group) cancels the transfer, and the result is
// HttpErrorKind::cancelled. The operation keeps the executor's work count up while it runs.
// The client must outlive the operation; destroy it before the io_context.
//
// Any 1.81 completion token works (use_awaitable, as_tuple(use_awaitable), deferred, a callback).

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include "triagent/net/http_client.hpp"

namespace triagent {

namespace http_detail {

// Shared by the client's callback, the posted completion and the cancellation slot.
template <class Handler>
class SendOperation : public std::enable_shared_from_this<SendOperation<Handler>> {
 public:
  using Slot = boost::asio::associated_cancellation_slot_t<Handler>;
  using Executor = boost::asio::associated_executor_t<Handler>;

  explicit SendOperation(Handler handler)
      : handler_(std::move(handler)),
        slot_(boost::asio::get_associated_cancellation_slot(handler_)),
        work_(boost::asio::make_work_guard(boost::asio::get_associated_executor(handler_))) {}

  void start(HttpClient& client, HttpRequest request, Deadline deadline) {
    std::shared_ptr<SendOperation> self = this->shared_from_this();
    HttpRequestId id = client.send(std::move(request), deadline, [self](HttpResult r) { self->on_done(std::move(r)); });
    std::lock_guard lock(mutex_);
    // The request may already have finished (on another thread); then there is nothing to cancel.
    if (!finished_ && slot_.is_connected()) slot_.template emplace<Canceller>(&client, id);
  }

 private:
  struct Canceller {
    Canceller(HttpClient* c, HttpRequestId i) : client(c), id(i) {}
    HttpClient* client;
    HttpRequestId id;
    void operator()(boost::asio::cancellation_type_t type) const {
      if (type != boost::asio::cancellation_type::none) client->cancel(id);
    }
  };

  // On the client's thread: hop to the handler's executor.
  void on_done(HttpResult result) {
    Executor ex = work_.get_executor();
    boost::asio::post(ex, [self = this->shared_from_this(), r = std::move(result)]() mutable {
      self->deliver(std::move(r));
    });
  }

  void deliver(HttpResult result) {
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
      if (slot_.is_connected()) slot_.clear();
    }
    work_.reset();
    std::move(handler_)(std::move(result));
  }

  Handler handler_;
  Slot slot_;
  boost::asio::executor_work_guard<Executor> work_;
  std::mutex mutex_;
  bool finished_ = false;
};

struct InitiateSend {
  HttpClient* client;

  template <class Handler>
  void operator()(Handler&& handler, HttpRequest request, Deadline deadline) const {
    auto op = std::make_shared<SendOperation<std::decay_t<Handler>>>(std::forward<Handler>(handler));
    op->start(*client, std::move(request), deadline);
  }
};

}  // namespace http_detail

template <class CompletionToken>
auto async_send(HttpClient& client, HttpRequest request, Deadline deadline, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(HttpResult)>(
      http_detail::InitiateSend{&client}, token, std::move(request), deadline);
}

}  // namespace triagent
