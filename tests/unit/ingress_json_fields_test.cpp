// The exception-free JSON helpers the normalizers share: pointers, truncation, ids, nesting,
// times, severities and bounded entity lists.

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "ingress/entity_values.hpp"
#include "ingress/field_values.hpp"
#include "ingress/json_fields.hpp"
#include "ingress/normalizer_rules.hpp"

namespace triagent::ingress {
namespace {

using nlohmann::json;

TEST(FindPointer, FollowsRfc6901) {
  const json doc = json::parse(R"({"a":{"b":[10,{"c":"x"}]},"s/l":1,"t~d":2,"":3,"0":4})");
  EXPECT_EQ(find_pointer(doc, ""), &doc);
  EXPECT_EQ(*find_pointer(doc, "/a/b/0"), 10);
  EXPECT_EQ(*find_pointer(doc, "/a/b/1/c"), "x");
  EXPECT_EQ(*find_pointer(doc, "/s~1l"), 1);
  EXPECT_EQ(*find_pointer(doc, "/t~0d"), 2);
  EXPECT_EQ(*find_pointer(doc, "/"), 3);
  EXPECT_EQ(*find_pointer(doc, "/0"), 4);
}

TEST(FindPointer, ReturnsNullForAnythingItCannotFollow) {
  const json doc = json::parse(R"({"a":{"b":[10,20]},"n":null})");
  for (const char* p : {"a", "/x", "/a/b/2", "/a/b/-", "/a/b/01", "/a/b/1e0", "/a/b/0/x", "/a/~2", "/a/~",
                        "/a/b/99999999999999999999", "/n/x"}) {
    EXPECT_EQ(find_pointer(doc, p), nullptr) << p;
  }
  EXPECT_EQ(find_pointer(json(5), "/a"), nullptr);
}

TEST(TruncateUtf8, NeverSplitsACharacter) {
  const std::string euro = "\xE2\x82\xAC";  // 3 bytes
  const std::string s = "ab" + euro + "cd";
  EXPECT_EQ(truncate_utf8(s, 100), s);
  EXPECT_EQ(truncate_utf8(s, 5), "ab" + euro);
  EXPECT_EQ(truncate_utf8(s, 4), "ab");
  EXPECT_EQ(truncate_utf8(s, 3), "ab");
  EXPECT_EQ(truncate_utf8(s, 2), "ab");
  EXPECT_EQ(truncate_utf8(euro, 2), "");
  // The result always serializes (dump() throws on a split sequence).
  for (std::size_t n = 0; n <= s.size(); ++n) EXPECT_NO_THROW(json(truncate_utf8(s, n)).dump()) << n;
}

TEST(TextAt, TakesNonEmptyStringsOnly) {
  const json doc = json::parse(R"({"s":"hello","e":"","n":5,"z":null,"a":["x"]})");
  EXPECT_EQ(text_at(find_key(doc, "s"), 10), "hello");
  EXPECT_EQ(text_at(find_key(doc, "s"), 3), "hel");
  for (const char* key : {"e", "n", "z", "a", "missing"}) EXPECT_FALSE(text_at(find_key(doc, key), 10)) << key;
}

TEST(IdAt, TakesStringsAndIntegers) {
  const json doc = json::parse(R"({"s":"abc","i":-12,"u":18446744073709551615,"f":1.5,"b":true,"e":""})");
  EXPECT_EQ(id_at(find_key(doc, "s")), "abc");
  EXPECT_EQ(id_at(find_key(doc, "i")), "-12");
  EXPECT_EQ(id_at(find_key(doc, "u")), "18446744073709551615");
  for (const char* key : {"f", "b", "e", "missing"}) EXPECT_FALSE(id_at(find_key(doc, key))) << key;
}

TEST(NestingWithin, CountsContainerLevels) {
  EXPECT_TRUE(nesting_within(json(1), 0));
  EXPECT_TRUE(nesting_within(json::parse("{}"), 1));
  EXPECT_TRUE(nesting_within(json::parse(R"({"a":[{"b":1}]})"), 3));
  EXPECT_FALSE(nesting_within(json::parse(R"({"a":[{"b":1}]})"), 2));
  EXPECT_FALSE(nesting_within(json::parse(R"({"a":[{"b":[]}]})"), 3));
}

TEST(NestingWithin, HandlesVeryDeepDocumentsWithoutRecursion) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const json doc = json::parse(deep);
  EXPECT_FALSE(nesting_within(doc, kMaxBodyDepth));
}

TEST(EpochMsAt, ReadsRfc3339AndEveryEpochUnit) {
  const std::int64_t ms = 1'700'000'000'123;
  auto at = [](const json& v) { return epoch_ms_at(&v); };
  EXPECT_EQ(at("2023-11-14T22:13:20.123Z"), ms);
  EXPECT_EQ(at("2023-11-14T22:13:20.123456Z"), ms);
  EXPECT_EQ(at("2023-11-15T00:13:20.123+02:00"), ms);
  EXPECT_EQ(at(1'700'000'000), 1'700'000'000'000);
  EXPECT_EQ(at(1'700'000'000.123), ms);
  EXPECT_EQ(at(ms), ms);
  EXPECT_EQ(at(ms * 1000 + 456), ms);
  EXPECT_EQ(at(ms * 1'000'000 + 456'789), ms);
  EXPECT_EQ(at(static_cast<std::uint64_t>(ms) * 1'000'000), ms);
  EXPECT_EQ(at("1700000000123"), ms);
  EXPECT_EQ(at("1700000000"), 1'700'000'000'000);
  EXPECT_EQ(at("1700000000.5"), 1'700'000'000'500);
}

TEST(EpochMsAt, IsZeroForAnythingElse) {
  auto at = [](const json& v) { return epoch_ms_at(&v); };
  EXPECT_EQ(epoch_ms_at(nullptr), 0);
  for (const json& v : {json(nullptr), json(true), json(0), json(-5), json(-1.5), json(1e300), json("yesterday"),
                        json(""), json("17e8"), json("1.2.3"), json(std::string(100, '1')), json::array({1}),
                        json("1969-12-31T23:59:59Z")}) {
    EXPECT_EQ(at(v), 0) << v.dump();
  }
}

TEST(SeverityAt, ReadsNamesAndNumbersPerScale) {
  auto at = [](const json& v, SeverityScale s) { return severity_at(&v, s); };
  EXPECT_EQ(at("Critical", SeverityScale::generic), Severity::critical);
  EXPECT_EQ(at("MEDIUM", SeverityScale::generic), Severity::medium);
  EXPECT_EQ(at("malicious", SeverityScale::generic), Severity::high);
  EXPECT_EQ(at("suspicious", SeverityScale::generic), Severity::medium);
  EXPECT_EQ(at(5, SeverityScale::dataset), Severity::high);
  EXPECT_EQ(at(6, SeverityScale::dataset), Severity::critical);
  EXPECT_EQ(at(3, SeverityScale::dataset), Severity::low);
  EXPECT_EQ(at("4", SeverityScale::dataset), Severity::medium);
  EXPECT_EQ(at(95, SeverityScale::generic), Severity::critical);
  EXPECT_EQ(at(8, SeverityScale::generic), Severity::high);
  EXPECT_EQ(at(45.5, SeverityScale::generic), Severity::medium);
  EXPECT_EQ(at(std::numeric_limits<std::uint64_t>::max(), SeverityScale::dataset), Severity::unknown);
  EXPECT_EQ(at(-1, SeverityScale::dataset), Severity::unknown);
  EXPECT_EQ(at("bogus", SeverityScale::generic), Severity::unknown);
  EXPECT_EQ(at(true, SeverityScale::generic), Severity::unknown);
  EXPECT_EQ(at(json::array({"high"}), SeverityScale::generic), Severity::unknown);
  EXPECT_EQ(severity_at(nullptr, SeverityScale::generic), Severity::unknown);
}

TEST(EntityValues, AddsStringsIntegersAndArraysOneLevelDeep) {
  std::vector<std::string> list;
  const json v = json::parse(R"(["a", 7, "a", ["nested"], {"o":1}, null, 1.5, ""])");
  add_values(list, &v);
  EXPECT_EQ(list, (std::vector<std::string>{"a", "7"}));
}

TEST(EntityValues, BoundsListsAndValues) {
  std::vector<std::string> list;
  json many = json::array();
  for (int i = 0; i < 2000; ++i) many.push_back("v" + std::to_string(i));
  add_values(list, &many);
  EXPECT_EQ(list.size(), kMaxEntitiesPerList);

  std::vector<std::string> one;
  const json big(std::string(100'000, 'x'));
  add_values(one, &big);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].size(), kMaxEntityBytes);
}

TEST(EntityValues, KeepsOnlyHexDigestsInLowerCase) {
  std::vector<std::string> hashes;
  const json v = json::array({std::string(40, 'A'), "N/A", std::string(32, 'b'), std::string(64, 'C'),
                              std::string(39, 'a'), std::string(40, 'g'), std::string(128, 'd')});
  add_hashes(hashes, &v);
  EXPECT_EQ(hashes, (std::vector<std::string>{std::string(40, 'a'), std::string(32, 'b'), std::string(64, 'c'),
                                              std::string(128, 'd')}));
}

TEST(NormalizerRules, ExternalIdRules) {
  const json doc = json::parse(R"({"ok":"A-1","num":42,"ctl":"a\nb","empty":"","obj":{}})");
  EXPECT_EQ(*external_id_at(find_key(doc, "ok"), "/ok"), "A-1");
  EXPECT_EQ(*external_id_at(find_key(doc, "num"), "/num"), "42");
  EXPECT_EQ(external_id_at(find_key(doc, "ctl"), "/ctl").error().message, "external id at /ctl contains control characters");
  EXPECT_EQ(external_id_at(find_key(doc, "empty"), "/empty").error().message, "no external id at /empty");
  EXPECT_EQ(external_id_at(find_key(doc, "obj"), "/obj").error().message, "no external id at /obj");
  const json long_id(std::string(257, 'x'));
  EXPECT_EQ(external_id_at(&long_id, "/id").error().message, "external id at /id is longer than 256 bytes");
  const json max_id(std::string(256, 'x'));
  EXPECT_TRUE(external_id_at(&max_id, "/id"));
}

}  // namespace
}  // namespace triagent::ingress
