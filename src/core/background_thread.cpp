#include "core/background_thread.hpp"

#include <cstdio>
#include <cstdlib>

namespace triagent {

BackgroundThread::~BackgroundThread() {
  std::thread thread;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_all();
  if (!thread.joinable()) return;
  if (thread.get_id() == std::this_thread::get_id()) {
    // Joining itself is impossible and detaching would leave the thread running on freed memory.
    std::fputs("triagent: fatal: a background thread was destroyed by one of its own tasks\n", stderr);
    std::abort();
  }
  thread.join();
}

void BackgroundThread::post(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(task));
    // While stopping, a task posted by a running task still runs: the thread only ends once
    // nothing is left.
    if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { run(); });
  }
  wake_.notify_one();
}

void BackgroundThread::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopping, and every task posted before has run
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    try {
      task();
    } catch (...) {
      // A task's failure is its own to report; this thread must go on with the others.
    }
    task = nullptr;  // its captures are destroyed outside the lock too
    lock.lock();
  }
}

}  // namespace triagent
