#pragma once
// BackgroundThread: one thread for occasional blocking work (the fsync of a finished backup) that
// must not hold up the thread that asked for it. Tasks run in the order posted. The thread starts
// with the first task, so an owner that never posts costs nothing; the destructor runs every task
// already posted, then joins.
//
//   BackgroundThread files;
//   files.post([copy] { copy->seal(); });

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace triagent {

class BackgroundThread {
 public:
  BackgroundThread() = default;
  ~BackgroundThread();
  BackgroundThread(const BackgroundThread&) = delete;
  BackgroundThread& operator=(const BackgroundThread&) = delete;

  // May be called from any thread, including from a task. A task that throws is dropped; the
  // thread goes on with the next one.
  void post(std::function<void()> task);

 private:
  void run();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace triagent
