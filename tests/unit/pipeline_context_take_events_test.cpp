// ContextResult::take_events: the same events all_events() copies, moved out, skipping failed queries.
#include <gtest/gtest.h>

#include "triagent/pipeline/context_fetch.hpp"

namespace triagent {
namespace {

ContextQueryResult query(ContextQueryStatus status, std::vector<std::string> summaries) {
  ContextQueryResult q;
  q.status = status;
  for (auto& s : summaries) {
    ContextEvent e;
    e.summary = std::move(s);
    e.raw = {{"summary", e.summary}};
    q.events.push_back(std::move(e));
  }
  return q;
}

TEST(ContextTakeEvents, MovesTheOkQueriesEventsInPlanOrder) {
  ContextResult r;
  r.queries.push_back(query(ContextQueryStatus::ok, {"a", "b"}));
  r.queries.push_back(query(ContextQueryStatus::failed, {"x"}));
  r.queries.push_back(query(ContextQueryStatus::ok, {"c"}));
  const std::vector<ContextEvent> copied = r.all_events();
  const std::vector<ContextEvent> taken = r.take_events();
  ASSERT_EQ(taken.size(), 3u);
  ASSERT_EQ(copied.size(), taken.size());
  for (std::size_t i = 0; i < taken.size(); ++i) {
    EXPECT_EQ(taken[i].summary, copied[i].summary);
    EXPECT_EQ(taken[i].raw, copied[i].raw);
  }
  EXPECT_TRUE(r.all_events().empty());
}

}  // namespace
}  // namespace triagent
