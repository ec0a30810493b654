// Unified alerts GraphQL notes (apis.md B.7): alertNotes(alertId:) and the post-once write that
// looks for the job's marker among them before posting.

#include <gtest/gtest.h>

#include "connectors_singularity_harness.hpp"
#include "triagent/connectors/singularity_alerts_graphql.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::contains;
using testing::json_response;
using testing::S1Harness;

constexpr const char* kAlertId = "019a8f3c-5b2d-7e41-9c6a-3f2b1d0e4a57";
constexpr const char* kMarker = "[triagent:job-42]";

json note(const std::string& text, const std::string& alert = kAlertId) {
  return {{"id", "n-1"},
          {"alertId", alert},
          {"text", text},
          {"createdAt", "2025-11-18T16:00:00.000Z"},
          {"type", "USER"},
          {"author", {{"fullName", "triagent"}, {"email", "triagent@example.net"}}}};
}

std::string notes_answer(json notes) { return json{{"data", {{"alertNotes", {{"data", notes}}}}}}.dump(); }

std::string note_added() {
  json action = {{"actionId", "S1/alert/addNote"},
                 {"success", json::array({{{"id", kAlertId}}})},
                 {"failure", json::array()},
                 {"skip", json::array()}};
  return json{{"data", {{"alertTriggerActions", {{"__typename", "ActionsTriggered"}, {"actions", {action}}}}}}}.dump();
}

// Answers the notes query with `notes` and the mutation with a success.
testing::ScriptedHttpClient::Handler console(json notes) {
  return [notes](const HttpRequest& r) -> HttpResult {
    if (contains(r.body, "alertNotes")) return json_response(200, notes_answer(notes));
    return json_response(200, note_added());
  };
}

TEST(SingularityAlertNotes, ListSendsTheQueryWithTheIdAsAVariableAndReadsEveryField) {
  S1Harness h(console(json::array({note("first"), note("second")})));
  SingularityAlertsGraphql uam(h.config, h.upstream);
  auto notes = h.run(uam.list_alert_notes(kAlertId));
  ASSERT_TRUE(notes) << notes.error().message;

  json body = h.body(0);
  const std::string query = body["query"].get<std::string>();
  EXPECT_TRUE(contains(query, "query AlertNotes($alertId: ID!) { alertNotes(alertId: $alertId) {"));
  EXPECT_TRUE(contains(query, "data { id alertId text createdAt type author { fullName email } }"));
  EXPECT_EQ(body["variables"], (json{{"alertId", kAlertId}}));

  ASSERT_EQ(notes->size(), 2u);
  EXPECT_EQ((*notes)[0].id, "n-1");
  EXPECT_EQ((*notes)[0].alert_id, kAlertId);
  EXPECT_EQ((*notes)[0].text, "first");
  EXPECT_EQ((*notes)[0].created_at, "2025-11-18T16:00:00.000Z");
  EXPECT_EQ((*notes)[0].type, "USER");
  EXPECT_EQ((*notes)[0].author_name, "triagent");
  EXPECT_EQ((*notes)[0].author_email, "triagent@example.net");
  EXPECT_EQ((*notes)[1].text, "second");
}

TEST(SingularityAlertNotes, AnswersWithoutTheListOrAboutAnotherAlertAreErrors) {
  const std::string bodies[] = {
      R"({"data":{"alertNotes":null}})",
      R"({"data":{"alertNotes":{"data":"x"}}})",
      R"({"data":{"alert":{"id":"x"}}})",
      notes_answer(json::array({note("x", "another-alert")})),
  };
  for (const auto& b : bodies) {
    S1Harness h([&](const HttpRequest&) -> HttpResult { return json_response(200, b); });
    SingularityAlertsGraphql uam(h.config, h.upstream);
    auto r = h.run(uam.list_alert_notes(kAlertId));
    ASSERT_FALSE(r) << b;
    EXPECT_EQ(r.error().code, ErrorCode::unavailable) << b;
  }
}

TEST(SingularityAlertNotes, NotFoundFromGraphqlIsNotFound) {
  S1Harness h([](const HttpRequest&) -> HttpResult {
    return json_response(
        200, R"({"data":null,"errors":[{"message":"Alert not found","path":["alertNotes"],"extensions":{"code":"NOT_FOUND"}}]})");
  });
  SingularityAlertsGraphql uam(h.config, h.upstream);
  auto r = h.run(uam.list_alert_notes(kAlertId));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
}

TEST(SingularityAlertNotes, PostOncePostsWhenNoNoteHoldsTheMarker) {
  S1Harness h(console(json::array({note("an analyst's note"), note("[triagent:job-420] another job")})));
  SingularityAlertsGraphql uam(h.config, h.upstream);
  auto w = h.run(uam.add_alert_note_once(kAlertId, kMarker, std::string(kMarker) + " summary"));
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_TRUE(w->posted);
  ASSERT_EQ(h.request_count(), 2u);
  EXPECT_TRUE(contains(h.body(0)["query"].get<std::string>(), "alertNotes"));
  EXPECT_TRUE(contains(h.body(1)["query"].get<std::string>(), "alertTriggerActions"));
  EXPECT_EQ(h.body(1)["variables"]["note"], std::string(kMarker) + " summary");
}

TEST(SingularityAlertNotes, PostOnceFindingTheMarkerPostsNothing) {
  S1Harness h(console(json::array({note("[AI-Generated Draft] [triagent:job-42] summary")})));
  SingularityAlertsGraphql uam(h.config, h.upstream);
  auto w = h.run(uam.add_alert_note_once(kAlertId, kMarker, std::string(kMarker) + " summary"));
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_FALSE(w->posted);
  EXPECT_EQ(h.request_count(), 1u);
}

TEST(SingularityAlertNotes, PostOnceNeedsTheMarkerInTheTextAndStopsWhenTheListFails) {
  S1Harness h(console(json::array()));
  SingularityAlertsGraphql uam(h.config, h.upstream);
  EXPECT_FALSE(h.run(uam.add_alert_note_once(kAlertId, "", "text")));
  EXPECT_FALSE(h.run(uam.add_alert_note_once(kAlertId, kMarker, "text without it")));
  EXPECT_FALSE(h.run(uam.list_alert_notes("a\"b")));
  EXPECT_EQ(h.request_count(), 0u);

  S1Harness failing([](const HttpRequest&) -> HttpResult {
    return json_response(401, R"({"errors":[{"code":4010010,"detail":null,"title":"Authentication Failed"}]})");
  });
  SingularityAlertsGraphql refused(failing.config, failing.upstream);
  auto r = failing.run(refused.add_alert_note_once(kAlertId, kMarker, kMarker));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(failing.request_count(), 1u);  // nothing posted blind
}

}  // namespace
}  // namespace triagent
