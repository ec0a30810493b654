// BackgroundThread: tasks run in order on a thread of its own, started by the first one; the
// destructor runs what was posted before it (and what those tasks post), then joins.
#include "core/background_thread.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace triagent {
namespace {

TEST(BackgroundThread, RunsTasksInOrderOnAnotherThread) {
  std::vector<int> order;
  std::promise<std::thread::id> ran_on;
  {
    BackgroundThread thread;
    for (int i = 0; i < 5; ++i) thread.post([&order, i] { order.push_back(i); });
    thread.post([&ran_on] { ran_on.set_value(std::this_thread::get_id()); });
    EXPECT_NE(ran_on.get_future().get(), std::this_thread::get_id());
  }
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(BackgroundThread, TheDestructorRunsEveryTaskPostedBeforeItAndWhatThoseTasksPost) {
  std::promise<void> release;
  auto released = release.get_future().share();
  std::vector<int> done;
  std::mutex mu;
  std::thread releaser;
  {
    BackgroundThread thread;
    // Held until another thread lets it go, which it mostly does once the destructor below has
    // begun: the tasks after it are then still queued when the destructor starts.
    thread.post([released] { released.wait(); });
    thread.post([&] {
      std::lock_guard lock(mu);
      done.push_back(1);
      thread.post([&] {
        std::lock_guard inner(mu);
        done.push_back(2);
      });
    });
    releaser = std::thread([&release] { release.set_value(); });
  }
  releaser.join();
  EXPECT_EQ(done, (std::vector<int>{1, 2}));
}

TEST(BackgroundThread, AThrowingTaskDoesNotStopTheOnesAfterIt) {
  std::promise<bool> after;
  BackgroundThread thread;
  thread.post([] { throw std::runtime_error("task failed"); });
  thread.post([&after] { after.set_value(true); });
  EXPECT_TRUE(after.get_future().get());
}

}  // namespace
}  // namespace triagent
