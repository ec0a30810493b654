// The normalizer registry, the templated sources (dataset, generic), and what every normalizer must
// survive: bodies that are not objects, wrong types, huge strings, deep nesting.

#include <gtest/gtest.h>

#include <string>

#include "triagent/ingress/normalizer.hpp"

namespace triagent {
namespace {

using nlohmann::json;

std::unique_ptr<Normalizer> normalizer(const std::string& source, std::optional<FieldMapping> mapping = {}) {
  WebhookSourceConfig config;
  config.mapping = std::move(mapping);
  auto n = make_normalizer(source, config);
  EXPECT_NE(n, nullptr) << source;
  return n;
}

// The body of docs/dataset-webhook-template.md, filled in as DataSet would send it.
json dataset_body() {
  return json::parse(R"({
    "alertId": "web-errors-1700000000",
    "title": "High error rate on web tier",
    "description": "More than 10 errors a minute",
    "severity": 5,
    "trigger": "count:1m(error) > 10",
    "status": "TRIGGERED",
    "triggeredAt": "2023-11-14T22:13:20Z",
    "serverHost": "web-01",
    "query": "serverHost == 'web-01' severity >= 5",
    "link": "https://app.scalyr.com/events?filter=x",
    "accountId": "acct-42"
  })");
}

// --- registry -----------------------------------------------------------------------------------

TEST(NormalizerRegistry, KnowsTheFourSources) {
  EXPECT_EQ(known_webhook_sources(), (std::vector<std::string>{"dataset", "singularity", "vigilance", "generic"}));
  for (const auto& s : known_webhook_sources()) {
    auto n = make_normalizer(s, WebhookSourceConfig{});
    ASSERT_NE(n, nullptr) << s;
    EXPECT_EQ(n->source(), s);
  }
  EXPECT_EQ(make_normalizer("splunk", WebhookSourceConfig{}), nullptr);
  EXPECT_EQ(make_normalizer("", WebhookSourceConfig{}), nullptr);
}

TEST(NormalizerRegistry, DefaultMappings) {
  FieldMapping generic = default_field_mapping("generic");
  EXPECT_EQ(generic.external_id, "/id");
  EXPECT_EQ(generic.title, "/title");
  EXPECT_EQ(generic.severity, "/severity");
  EXPECT_EQ(generic.time, "/time");
  EXPECT_TRUE(generic.tenant.empty());

  FieldMapping dataset = default_field_mapping("dataset");
  EXPECT_EQ(dataset.external_id, "/alertId");
  EXPECT_EQ(dataset.title, "/title");
  EXPECT_EQ(dataset.severity, "/severity");
  EXPECT_EQ(dataset.time, "/triggeredAt");
  EXPECT_EQ(dataset.tenant, "/accountId");
  EXPECT_EQ(dataset.hosts, (std::vector<std::string>{"/serverHost"}));
}

// --- dataset --------------------------------------------------------------------------------------

TEST(DatasetNormalizer, ReadsTheTemplateBody) {
  auto inc = normalizer("dataset")->normalize(dataset_body());
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->source, "dataset");
  EXPECT_EQ(inc->kind, "dataset_alert");
  EXPECT_EQ(inc->external_id, "web-errors-1700000000");
  EXPECT_EQ(inc->dedupe_key(), "dataset:web-errors-1700000000");
  EXPECT_EQ(inc->title, "High error rate on web tier");
  EXPECT_EQ(inc->severity, Severity::high);  // DataSet level 5 = error
  EXPECT_EQ(inc->time_ms, 1'700'000'000'000);
  EXPECT_EQ(inc->tenant, "acct-42");
  EXPECT_EQ(inc->entities.hosts, (std::vector<std::string>{"web-01"}));
  EXPECT_EQ(inc->raw, dataset_body());
}

TEST(DatasetNormalizer, ReadsEachSeverityAndTimeForm) {
  auto n = normalizer("dataset");
  struct Case {
    json severity;
    Severity expected;
  };
  for (const Case& c : {Case{0, Severity::info}, Case{3, Severity::low}, Case{4, Severity::medium},
                        Case{6, Severity::critical}, Case{"warning", Severity::medium}, Case{"FATAL", Severity::critical},
                        Case{"6", Severity::critical}, Case{"nonsense", Severity::unknown}, Case{nullptr, Severity::unknown}}) {
    json body = dataset_body();
    body["severity"] = c.severity;
    auto inc = n->normalize(body);
    ASSERT_TRUE(inc);
    EXPECT_EQ(inc->severity, c.expected) << c.severity.dump();
  }
  for (const json& t : {json(1'700'000'000), json(1'700'000'000'000), json(1'700'000'000'000'000'000),
                        json("1700000000000"), json("2023-11-14T22:13:20.000+00:00")}) {
    json body = dataset_body();
    body["triggeredAt"] = t;
    EXPECT_EQ(n->normalize(body)->time_ms, 1'700'000'000'000) << t.dump();
  }
}

TEST(DatasetNormalizer, AcceptsAnIntegerId) {
  json body = dataset_body();
  body["alertId"] = 987654321;
  EXPECT_EQ(normalizer("dataset")->normalize(body)->external_id, "987654321");
}

TEST(DatasetNormalizer, RejectsAMissingOrEmptyOrOversizedId) {
  auto n = normalizer("dataset");
  json body = dataset_body();
  body.erase("alertId");
  EXPECT_EQ(n->normalize(body).error().message, "no external id at /alertId");
  for (const json& bad : {json(""), json(nullptr), json(1.5), json::object(), json::array({"x"}), json(true)}) {
    body["alertId"] = bad;
    auto inc = n->normalize(body);
    ASSERT_FALSE(inc) << bad.dump();
    EXPECT_EQ(inc.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(inc.error().message, "no external id at /alertId") << bad.dump();
  }
  body["alertId"] = std::string(257, 'a');
  EXPECT_EQ(n->normalize(body).error().message, "external id at /alertId is longer than 256 bytes");
}

TEST(DatasetNormalizer, FallsBackToAGeneratedTitleAndCutsLongOnes) {
  auto n = normalizer("dataset");
  json body = dataset_body();
  body.erase("title");
  EXPECT_EQ(n->normalize(body)->title, "DataSet alert web-errors-1700000000");
  body["title"] = 42;
  EXPECT_EQ(n->normalize(body)->title, "DataSet alert web-errors-1700000000");
  body["title"] = std::string(10'000, 'T');
  EXPECT_EQ(n->normalize(body)->title.size(), 512u);
}

TEST(DatasetNormalizer, IgnoresWrongTypesOutsideTheId) {
  json body = dataset_body();
  body["title"] = json::array({1, 2});
  body["severity"] = json::object({{"x", 1}});
  body["triggeredAt"] = false;
  body["serverHost"] = json::object();
  body["accountId"] = 1.5;
  auto inc = normalizer("dataset")->normalize(body);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->severity, Severity::unknown);
  EXPECT_EQ(inc->time_ms, 0);
  EXPECT_TRUE(inc->entities.empty());
  EXPECT_EQ(inc->tenant, "");
}

TEST(DatasetNormalizer, UsesACustomMapping) {
  FieldMapping m;
  m.external_id = "/alert/id";
  m.title = "/alert/name";
  m.severity = "/alert/level";
  m.time = "/alert/ts";
  m.tenant = "/org";
  m.hosts = {"/hosts"};
  m.users = {"/actor/name", "/target/user"};
  m.ips = {"/net/src", "/net/dst"};
  m.hashes = {"/file/sha256"};
  m.processes = {"/proc/cmd"};
  m.files = {"/file/path"};
  m.domains = {"/net/domains"};
  const json body = json::parse(R"({
    "alert": {"id": "a/1", "name": "Custom", "level": 2, "ts": 1700000000},
    "org": 77,
    "hosts": ["h1", "h2", "h1", 3],
    "actor": {"name": "alice"}, "target": {"user": "bob"},
    "net": {"src": "10.0.0.1", "dst": "10.0.0.2", "domains": ["evil.example"]},
    "file": {"sha256": "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789", "path": "/tmp/x"},
    "proc": {"cmd": "sh -c id"}
  })");
  auto inc = normalizer("dataset", m)->normalize(body);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->external_id, "a/1");
  EXPECT_EQ(inc->title, "Custom");
  EXPECT_EQ(inc->severity, Severity::info);
  EXPECT_EQ(inc->time_ms, 1'700'000'000'000);
  EXPECT_EQ(inc->tenant, "77");
  EXPECT_EQ(inc->entities.hosts, (std::vector<std::string>{"h1", "h2", "3"}));
  EXPECT_EQ(inc->entities.users, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(inc->entities.ips, (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(inc->entities.hashes,
            (std::vector<std::string>{"abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"}));
  EXPECT_EQ(inc->entities.processes, (std::vector<std::string>{"sh -c id"}));
  EXPECT_EQ(inc->entities.files, (std::vector<std::string>{"/tmp/x"}));
  EXPECT_EQ(inc->entities.domains, (std::vector<std::string>{"evil.example"}));

  EXPECT_EQ(normalizer("dataset", m)->normalize(dataset_body()).error().message, "no external id at /alert/id");
}

TEST(DatasetNormalizer, SurvivesAMalformedMappingPointer) {
  FieldMapping m;
  m.external_id = "alertId";  // no leading slash
  m.hosts = {"~", "/a/~9"};
  auto inc = normalizer("dataset", m)->normalize(dataset_body());
  ASSERT_FALSE(inc);
  EXPECT_EQ(inc.error().message, "no external id at alertId");
}

// --- generic --------------------------------------------------------------------------------------

TEST(GenericNormalizer, ReadsTheDefaultFields) {
  const json body = json::parse(R"({"id":"evt-1","title":"Something","severity":"high","time":1700000000123})");
  auto inc = normalizer("generic")->normalize(body);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->source, "generic");
  EXPECT_EQ(inc->kind, "event");
  EXPECT_EQ(inc->external_id, "evt-1");
  EXPECT_EQ(inc->title, "Something");
  EXPECT_EQ(inc->severity, Severity::high);
  EXPECT_EQ(inc->time_ms, 1'700'000'000'123);
  EXPECT_EQ(inc->tenant, "");
  EXPECT_TRUE(inc->entities.empty());
}

TEST(GenericNormalizer, ReadsNumbersOnTheGenericScale) {
  auto n = normalizer("generic");
  EXPECT_EQ(n->normalize(json{{"id", 1}, {"severity", 95}})->severity, Severity::critical);
  EXPECT_EQ(n->normalize(json{{"id", 1}, {"severity", 8}})->severity, Severity::high);
  EXPECT_EQ(n->normalize(json{{"id", 1}})->title, "Event 1");
  EXPECT_EQ(n->normalize(json{{"title", "x"}}).error().message, "no external id at /id");
}

// --- every normalizer on hostile input ----------------------------------------------------------

class EveryNormalizer : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryNormalizer, RejectsBodiesThatAreNotObjects) {
  auto n = normalizer(GetParam());
  for (const json& body : {json(nullptr), json(1), json("text"), json(true), json::array(),
                           json::array({json::object({{"id", "1"}})})}) {
    auto inc = n->normalize(body);
    ASSERT_FALSE(inc) << body.dump();
    EXPECT_EQ(inc.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(inc.error().message, "body must be a JSON object");
  }
}

TEST_P(EveryNormalizer, RejectsAnEmptyObjectWithAMessage) {
  auto inc = normalizer(GetParam())->normalize(json::object());
  ASSERT_FALSE(inc);
  EXPECT_EQ(inc.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(inc.error().message.empty());
}

TEST_P(EveryNormalizer, RejectsDeepNestingWithoutCrashing) {
  // Deep enough to overflow the stack of a recursive copy or dump (100k levels do, even at -O2).
  const std::string deep = R"({"id":"1","caseId":"1","threatId":"1","alertId":"1","x":)" +
                           std::string(100'000, '[') + std::string(100'000, ']') + "}";
  auto inc = normalizer(GetParam())->normalize(json::parse(deep));
  ASSERT_FALSE(inc);
  EXPECT_EQ(inc.error().message, "body nests deeper than 64 levels");
}

TEST_P(EveryNormalizer, AcceptsNestingUpToTheLimit) {
  json inner = json::object();
  for (int i = 0; i < 62; ++i) inner = json::object({{"n", inner}});
  json body = {{"id", "1"}, {"caseId", "1"}, {"threatId", "1"}, {"alertId", "1"}, {"x", inner}};
  auto inc = normalizer(GetParam())->normalize(body);
  EXPECT_TRUE(inc) << inc.error().message;
}

TEST_P(EveryNormalizer, BoundsEverythingTakenFromHugeValues) {
  const std::string huge(200'000, 'x');
  json many = json::array();
  for (int i = 0; i < 3000; ++i) many.push_back(huge.substr(0, 10) + std::to_string(i));
  const json body = {{"id", "1"},        {"caseId", "1"},      {"threatId", "1"},     {"alertId", "1"},
                     {"title", huge},    {"name", huge},       {"severity", huge},    {"time", huge},
                     {"triggeredAt", huge}, {"serverHost", huge}, {"threatIds", many}, {"accountId", huge},
                     {"siteId", huge},   {"tenant", huge},     {"storyline", huge}};
  auto inc = normalizer(GetParam())->normalize(body);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_LE(inc->title.size(), 512u);
  EXPECT_LE(inc->tenant.size(), 1024u);
  EXPECT_EQ(inc->severity, Severity::unknown);
  EXPECT_EQ(inc->time_ms, 0);
  const json as_json = inc->entities;
  for (const auto& [name, list] : as_json.items()) {
    EXPECT_LE(list.size(), 256u) << name;
    for (const auto& v : list) EXPECT_LE(v.get<std::string>().size(), 1024u) << name;
  }
  EXPECT_NO_THROW(json(*inc).dump());
}

TEST_P(EveryNormalizer, KeepsOutputSerializableForMultibyteText) {
  std::string title;
  for (int i = 0; i < 400; ++i) title += "\xE2\x82\xAC";  // 1200 bytes of euro signs
  const json body = {{"id", "1"}, {"caseId", "1"}, {"threatId", "1"}, {"alertId", "1"}, {"title", title}};
  auto inc = normalizer(GetParam())->normalize(body);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_NO_THROW(json(*inc).dump());
}

INSTANTIATE_TEST_SUITE_P(Sources, EveryNormalizer, ::testing::Values("dataset", "generic", "singularity", "vigilance"));

}  // namespace
}  // namespace triagent
