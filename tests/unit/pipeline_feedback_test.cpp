// FeedbackStore: analysts' ratings of AI results, in SQLite beside the approvals.
#include <gtest/gtest.h>

#include "pipeline_approval_test_support.hpp"
#include "triagent/pipeline/feedback_store.hpp"

namespace triagent {
namespace {

class Feedback : public ::testing::Test {
 protected:
  Feedback() { reopen(); }
  void reopen() {
    store_.reset();
    auto s = FeedbackStore::open({.path = (f_.dir / "state.db").string()}, f_.clock);
    if (!s) throw std::runtime_error(s.error().message);
    store_ = std::move(*s);
  }
  FeedbackRecord add(std::string job, std::string rating) {
    auto r = store_->add({.job_id = std::move(job), .rating = std::move(rating), .reason = "because", .actor = "alice"});
    if (!r) throw std::runtime_error(r.error().message);
    return *r;
  }

  testing::ApprovalFixture f_;  // a temp dir and a manual clock (and an approval store in another file)
  std::unique_ptr<FeedbackStore> store_;
};

TEST_F(Feedback, AddsAndListsPerJobOldestFirst) {
  auto first = add("7", "accepted");
  f_.clock.advance(std::chrono::seconds(5));
  add("8", "rejected");
  auto third = store_->add({.job_id = "7", .rating = "edited", .reason = "  fixed the host  ", .comment = "see note",
                            .actor = "bob"});
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_EQ(third->reason, "fixed the host");
  auto list = store_->list("7");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, first.id);
  EXPECT_EQ((*list)[0].created_ms, 1'700'000'000'000);
  EXPECT_EQ((*list)[1].actor, "bob");
  EXPECT_EQ((*list)[1].comment, "see note");
  auto json = to_json((*list)[0]);
  EXPECT_EQ(json["rating"], "accepted");
  EXPECT_EQ(json["created_at"], "2023-11-14T22:13:20.000Z");
  EXPECT_TRUE(store_->list("nope")->empty());
}

TEST_F(Feedback, RefusesBadInputAndStoresNothing) {
  EXPECT_EQ(store_->add({.job_id = "7", .rating = "great", .reason = "x", .actor = "a"}).error().code,
            ErrorCode::invalid_argument);
  EXPECT_FALSE(store_->add({.job_id = "7", .rating = "accepted", .reason = "   ", .actor = "a"}));
  EXPECT_FALSE(store_->add({.job_id = "7", .rating = "accepted", .reason = std::string(1001, 'x'), .actor = "a"}));
  EXPECT_FALSE(store_->add({.job_id = "7", .rating = "accepted", .reason = "a\x01", .actor = "a"}));
  EXPECT_FALSE(store_->add({.job_id = "7", .rating = "accepted", .reason = "x", .actor = ""}));
  EXPECT_FALSE(store_->add({.job_id = "", .rating = "accepted", .reason = "x", .actor = "a"}));
  EXPECT_FALSE(
      store_->add({.job_id = "7", .rating = "accepted", .reason = "x", .comment = std::string(4001, 'c'), .actor = "a"}));
  EXPECT_TRUE(store_->list("7")->empty());
  EXPECT_EQ(store_->summary()->acceptance_rate(), 0.0);
}

TEST_F(Feedback, SummaryGivesTheAcceptanceRateAndSurvivesReopen) {
  add("1", "accepted");
  add("2", "accepted");
  add("3", "edited");
  add("4", "rejected");
  reopen();
  auto s = store_->summary();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->accepted, 2);
  EXPECT_EQ(s->edited, 1);
  EXPECT_EQ(s->rejected, 1);
  EXPECT_DOUBLE_EQ(s->acceptance_rate(), 0.5);
}

}  // namespace
}  // namespace triagent
