// Threat notes and tags (apis.md B.4, B.9): the bulk add form, the notes list, and the
// list-then-post idempotency the API itself does not provide.

#include <gtest/gtest.h>

#include "connectors_singularity_harness.hpp"
#include "triagent/connectors/singularity_threats.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::api_sample;
using testing::json_response;
using testing::S1Harness;

// Composed from apis.md B.4 (no recorded sample exists): data[{id,text,creator,creatorId,createdAt,updatedAt,edited}].
const char* kNotesPage = R"({"data":[
  {"id":"901","text":"[triagent:job-1] summary","creator":"Triagent Service","creatorId":"555",
   "createdAt":"2024-05-01T10:00:00.000000Z","updatedAt":"2024-05-01T10:00:00.000000Z","edited":false},
  {"id":"902","text":"Vigilance: looked at it","creator":"Vigilance MDR","creatorId":"777",
   "createdAt":"2024-05-01T11:00:00.000000Z","updatedAt":"2024-05-01T12:00:00.000000Z","edited":true}],
  "pagination":{"nextCursor":null,"totalItems":2}})";

bool is_notes_list(const HttpRequest& r) { return r.method == "GET"; }

TEST(SingularityThreatNotes, AddNotePostsTheBulkFilterForm) {
  S1Harness h([](const HttpRequest&) -> HttpResult {
    return json_response(200, api_sample("s1_agents_action_affected_response.json"));
  });
  SingularityThreats threats(h.config, h.upstream);
  auto n = h.run(threats.add_note("715718962991148224", "AI summary: \"quoted\"\nsecond line"));
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1);
  ASSERT_EQ(h.request_count(), 1u);
  EXPECT_EQ(h.request(0).method, "POST");
  EXPECT_EQ(h.request(0).url, "https://s1.test/web/api/v2.1/threats/notes");
  EXPECT_EQ(h.header(0, "content-type"), "application/json");
  EXPECT_EQ(h.body(0), (json{{"data", {{"text", "AI summary: \"quoted\"\nsecond line"}}},
                             {"filter", {{"ids", {"715718962991148224"}}}}}));
}

TEST(SingularityThreatNotes, EmptyTextIsRejectedAndInvalidUtf8IsReplaced) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, R"({"data":{"affected":1}})"); });
  SingularityThreats threats(h.config, h.upstream);
  auto empty = h.run(threats.add_note("7", ""));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(h.request_count(), 0u);

  auto n = h.run(threats.add_note("7", std::string("bad \xff byte")));
  ASSERT_TRUE(n) << n.error().message;
  json body = h.body(0);
  ASSERT_TRUE(body.is_object());
  EXPECT_EQ(body["data"]["text"], "bad \xef\xbf\xbd byte");
}

TEST(SingularityThreatNotes, ListNotesReadsEveryField) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, kNotesPage); });
  SingularityThreats threats(h.config, h.upstream);
  auto notes = h.run(threats.list_notes("7"));
  ASSERT_TRUE(notes) << notes.error().message;
  EXPECT_EQ(h.request(0).method, "GET");
  EXPECT_EQ(h.request(0).url, "https://s1.test/web/api/v2.1/threats/7/notes?limit=100");
  ASSERT_EQ(notes->size(), 2u);
  const ThreatNote& own = (*notes)[0];
  EXPECT_EQ(own.id, "901");
  EXPECT_EQ(own.text, "[triagent:job-1] summary");
  EXPECT_EQ(own.creator, "Triagent Service");
  EXPECT_EQ(own.creator_id, "555");
  EXPECT_EQ(own.created_at, "2024-05-01T10:00:00.000000Z");
  EXPECT_FALSE(own.edited);
  EXPECT_TRUE((*notes)[1].edited);
  EXPECT_EQ((*notes)[1].updated_at, "2024-05-01T12:00:00.000000Z");
}

TEST(SingularityThreatNotes, ListNotesFollowsTheCursor) {
  int call = 0;
  S1Harness h([&](const HttpRequest&) -> HttpResult {
    if (call++ == 0) return json_response(200, R"({"data":[{"id":"1","text":"a"}],"pagination":{"nextCursor":"n2"}})");
    return json_response(200, R"({"data":[{"id":"2","text":"b"}],"pagination":{"nextCursor":"null"}})");
  });
  SingularityThreats threats(h.config, h.upstream);
  auto notes = h.run(threats.list_notes("7"));
  ASSERT_TRUE(notes);
  EXPECT_EQ(notes->size(), 2u);
  EXPECT_EQ(h.request(1).url, "https://s1.test/web/api/v2.1/threats/7/notes?limit=100&cursor=n2");
}

TEST(SingularityThreatNotes, AddNoteOnceSkipsWhenTheMarkerIsAlreadyThere) {
  S1Harness h([](const HttpRequest& r) -> HttpResult {
    return is_notes_list(r) ? json_response(200, kNotesPage) : json_response(200, R"({"data":{"affected":1}})");
  });
  SingularityThreats threats(h.config, h.upstream);
  auto w = h.run(threats.add_note_once("7", "[triagent:job-1]", "[triagent:job-1] summary, again"));
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_FALSE(w->posted);
  EXPECT_EQ(h.request_count(), 1u);  // the list only
}

TEST(SingularityThreatNotes, AddNoteOncePostsWhenTheMarkerIsAbsent) {
  S1Harness h([](const HttpRequest& r) -> HttpResult {
    return is_notes_list(r) ? json_response(200, kNotesPage) : json_response(200, R"({"data":{"affected":1}})");
  });
  SingularityThreats threats(h.config, h.upstream);
  auto w = h.run(threats.add_note_once("7", "[triagent:job-2]", "[triagent:job-2] new summary"));
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_TRUE(w->posted);
  EXPECT_EQ(w->affected, 1);
  ASSERT_EQ(h.request_count(), 2u);
  EXPECT_EQ(h.request(1).url, "https://s1.test/web/api/v2.1/threats/notes");
  EXPECT_EQ(h.body(1)["data"]["text"], "[triagent:job-2] new summary");

  auto bad = h.run(threats.add_note_once("7", "[missing]", "text without it"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
}

TEST(SingularityThreatNotes, AddNoteOnceDoesNotPostWhenTheListFails) {
  S1Harness h(
      [](const HttpRequest&) -> HttpResult { return json_response(403, R"({"errors":[{"title":"Forbidden"}]})"); });
  SingularityThreats threats(h.config, h.upstream);
  auto w = h.run(threats.add_note_once("7", "[m]", "[m] x"));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, ErrorCode::forbidden);
  EXPECT_EQ(h.request_count(), 1u);
}

TEST(SingularityThreatTags, TagsAreWrittenAsOneMarkedNoteOnce) {
  S1Harness h([](const HttpRequest& r) -> HttpResult {
    if (r.method == "GET") {
      return json_response(200, R"({"data":[{"id":"1","text":"[triagent:tags: ransomware, lateral-movement]"}]})");
    }
    return json_response(200, R"({"data":{"affected":1}})");
  });
  SingularityThreats threats(h.config, h.upstream);
  auto same = h.run(threats.add_tags("7", {"ransomware", "lateral-movement"}));
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_FALSE(same->posted);

  auto other = h.run(threats.add_tags("7", {"ransomware"}));
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->posted);  // a subset of the tags is a different label
  EXPECT_EQ(h.body(2)["data"]["text"], "[triagent:tags: ransomware]");
}

TEST(SingularityThreatTags, BadTagsAreRejectedBeforeAnyCall) {
  EXPECT_EQ(*tags_note_text({"a", "b c"}), "[triagent:tags: a, b c]");
  for (const std::vector<std::string>& bad : {std::vector<std::string>{},
                                              {""},
                                              {"a,b"},
                                              {"a\nb"},
                                              {"a]"},
                                              {"[a"},
                                              {std::string(65, 'x')},
                                              std::vector<std::string>(21, "t")}) {
    auto text = tags_note_text(bad);
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().code, ErrorCode::invalid_argument);
  }
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, "{}"); });
  SingularityThreats threats(h.config, h.upstream);
  EXPECT_FALSE(h.run(threats.add_tags("7", {"a,b"})));
  EXPECT_EQ(h.request_count(), 0u);
}

}  // namespace
}  // namespace triagent
