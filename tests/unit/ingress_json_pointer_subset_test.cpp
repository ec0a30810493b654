// JsonPointerSubset, the webhook route's partial parse of templated bodies: held to the full parse
// (parse_untrusted_json + find_pointer) on random and hostile bodies, and the generic normalizer's
// normalize_text() held to normalize() of the fully parsed body.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ingress/json_fields.hpp"
#include "ingress/json_pointer_subset.hpp"
#include "triagent/core/json_safety.hpp"
#include "triagent/ingress/normalizer.hpp"

namespace triagent::ingress {
namespace {

using nlohmann::json;

const std::vector<std::string> kPointers = {"/id",     "/title", "/severity", "/time",     "/alert/host",
                                            "/alert/id", "/hosts", "/hosts/1",  "/a/b/c",   "/user",
                                            "/ip",     "/a~1b",  "/bad~2",    "/alert/ip/0"};

// Random bodies: mostly JSON built from keys the pointers use, with repeated keys, escapes,
// multi-byte and broken UTF-8, exponents, deep nesting, and a share cut short or corrupted.
class BodyGenerator {
 public:
  explicit BodyGenerator(std::uint32_t seed) : rng_(seed) {}

  std::string body() {
    std::string out;
    if (chance(2)) out += "\xEF\xBB\xBF";  // a BOM, which nlohmann skips
    if (chance(3)) out += " \n";
    if (chance(3)) {
      value(out, 0);  // any root, mostly not an object
    } else {
      object(out, 0);
    }
    if (chance(3)) out += "\r\n";
    if (chance(3)) out += pick({"x", "}", ",", "\0"});
    if (chance(6) && !out.empty()) out.resize(below(out.size()));
    if (chance(6) && !out.empty()) out[below(out.size())] = static_cast<char>(below(256));
    return out;
  }

 private:
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  std::string pick(std::initializer_list<const char*> options) {
    auto it = options.begin();
    std::advance(it, static_cast<long>(below(options.size())));
    return *it;
  }

  void object(std::string& out, int depth) {
    out += '{';
    const std::size_t members = below(6);
    for (std::size_t i = 0; i < members; ++i) {
      if (i > 0) out += chance(97) ? "," : " ";
      out += chance(20) ? " " : "";
      out += '"';
      out += pick({"id", "title", "severity", "time", "alert", "host", "hosts", "a", "b", "c", "user", "ip",
                   "a/b", "note", "id", "alert"});
      if (chance(3)) out += "\\u0041";  // an escaped key
      out += "\":";
      value(out, depth + 1);
    }
    out += '}';
  }

  void value(std::string& out, int depth) {
    const std::size_t kind = depth > 5 ? 2 + below(6) : below(8);
    switch (kind) {
      case 0:
        object(out, depth);
        return;
      case 1: {
        out += '[';
        const std::size_t n = below(4);
        for (std::size_t i = 0; i < n; ++i) {
          if (i > 0) out += ',';
          value(out, depth + 1);
        }
        out += ']';
        return;
      }
      case 2:
      case 3:
        string(out);
        return;
      case 4:
        out += pick({"0", "-0", "7", "-12", "3.25", "999999999999999999", "-999999999999999999",
                     "9223372036854775808", "-9223372036854775809", "1e3", "1E-2", "1e999", "-1e999", "01", "1.", "-",
                     "123456789012345678901234567890", "0.1", "18446744073709551616"});
        return;
      case 5:
        out += pick({"true", "false", "null", "nul", "True"});
        return;
      case 6:
        if (chance(10)) {
          out += std::string(40, '[') + "1" + std::string(40, ']');  // past the subset's depth
        } else {
          out += pick({"{}", "[]", "[1,2,3]", "{\"host\":\"h\"}"});
        }
        return;
      default:
        string(out);
        return;
    }
  }

  void string(std::string& out) {
    out += '"';
    const std::size_t n = below(10);
    for (std::size_t i = 0; i < n; ++i) {
      out += pick({"a", "WS-7", " ", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\x",
                   "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc0\xaf", "\xed\xa0\x80", "\xff", "\x01", "\x7f",
                   "\xf4\x90\x80\x80", "\xe0\x80\x80"});
    }
    if (chance(97)) out += '"';
  }

  std::mt19937 rng_;
};

// The subset's promise: whatever it returns, every pointer finds there what it finds in the full
// parse, and the root is an object.
void expect_same_reach(const json& full, const json& subset, const std::string& body) {
  ASSERT_TRUE(subset.is_object()) << body;
  for (const auto& p : kPointers) {
    const json* a = find_pointer(full, p);
    const json* b = find_pointer(subset, p);
    ASSERT_EQ(a == nullptr, b == nullptr) << p << " in " << body;
    if (a != nullptr) {
      EXPECT_EQ(*a, *b) << p << " in " << body;
      EXPECT_EQ(a->type(), b->type()) << p << " in " << body;  // 5 and 5u compare equal
    }
  }
}

TEST(JsonPointerSubset, ReachesWhatTheFullParseReachesOnRandomBodies) {
  const JsonPointerSubset subset(kPointers);
  BodyGenerator gen(20261123);
  int accepted = 0;
  int declined_valid = 0;
  constexpr int kBodies = 20'000;
  for (int i = 0; i < kBodies; ++i) {
    const std::string body = gen.body();
    const auto full = parse_untrusted_json(body);
    const auto tree = subset.read(body);
    if (!tree) {
      if (full && full->is_object()) ++declined_valid;
      continue;
    }
    ++accepted;
    ASSERT_TRUE(full) << "accepted what nlohmann refuses: " << body;
    expect_same_reach(*full, *tree, body);
    if (HasFatalFailure()) return;
  }
  // Both outcomes must be common, or the test holds nothing to the full parse.
  EXPECT_GT(accepted, kBodies / 5);
  EXPECT_GT(declined_valid, kBodies / 50);
}

TEST(JsonPointerSubset, KeepsTheLastOfARepeatedKey) {
  const JsonPointerSubset subset(kPointers);
  auto tree = subset.read(R"({"id":"first","alert":{"id":"a1","host":"h"},"id":"second","alert":5})");
  ASSERT_TRUE(tree);
  EXPECT_EQ(*find_pointer(*tree, "/id"), "second");
  EXPECT_EQ(find_pointer(*tree, "/alert/id"), nullptr);  // the last "alert" is a number
  EXPECT_EQ(find_pointer(*tree, "/alert/host"), nullptr);
}

TEST(JsonPointerSubset, BuildsOnlyWhatThePointersReach) {
  const JsonPointerSubset subset({"/id", "/alert/host"});
  auto tree = subset.read(R"({"id":7,"big":{"x":[1,2,{"y":"z"}]},"alert":{"host":"WS-7","other":"o"},"n":null})");
  ASSERT_TRUE(tree);
  EXPECT_EQ(*tree, json::parse(R"({"id":7,"alert":{"host":"WS-7"}})"));
}

TEST(JsonPointerSubset, TakesArraysWholeSoIndexRulesStayNlohmanns) {
  const JsonPointerSubset subset({"/hosts/1", "/hosts/01"});
  auto tree = subset.read(R"({"hosts":["a","b",{"c":1}]})");
  ASSERT_TRUE(tree);
  EXPECT_EQ(*find_pointer(*tree, "/hosts/1"), "b");
  EXPECT_EQ(find_pointer(*tree, "/hosts/01"), nullptr);
}

TEST(JsonPointerSubset, DeclinesWhatItDoesNotVouchFor) {
  const JsonPointerSubset subset(kPointers);
  for (const std::string& body : std::vector<std::string>{
           std::string(R"(["not an object"])"),
           std::string("\xEF\xBB\xBF{\"id\":\"1\"}"),             // a BOM
           std::string(R"({"id":"1"} trailing)"),
           std::string(R"({"id":"1")"),                            // unterminated
           std::string(R"({"i\u0064":"1"})"),                      // an escaped key on a path
           std::string(R"({"id":"\ud83d\ude00"})"),                // surrogates: nlohmann's rules
           std::string("{\"id\":\"\xc0\xaf\"}"),                   // overlong UTF-8
           std::string("{\"note\":\"\xed\xa0\x80\"}"),             // an encoded surrogate, off the paths
           std::string("{\"note\":\"a\x01\"}"),                    // a control byte
           std::string(R"({"note":1e2})"),                         // an exponent
           std::string(R"({"note":01})"),
           std::string("{\"note\":" + std::string(33, '[') + std::string(33, ']') + "}"),
       }) {
    EXPECT_FALSE(subset.read(body)) << body;
  }
}

TEST(JsonPointerSubset, IsOffWhenAPointerNamesTheRoot) {
  const JsonPointerSubset subset({"/id", ""});
  EXPECT_FALSE(subset.read(R"({"id":"1"})"));
}

TEST(JsonPointerSubset, LeavesMalformedPointersOut) {
  const JsonPointerSubset subset({"/id", "no-slash", "/bad~2"});
  auto tree = subset.read(R"({"id":"1","no-slash":2})");
  ASSERT_TRUE(tree);
  EXPECT_EQ(*tree, json::parse(R"({"id":"1"})"));
}

// The route's way in gives the same incident, or the same error, as the full parse.
TEST(JsonPointerNormalizerText, MatchesNormalizeOfTheParsedBody) {
  FieldMapping mapping = default_field_mapping("generic");
  mapping.tenant = "/a/b/c";
  mapping.hosts = {"/alert/host", "/hosts"};
  mapping.users = {"/user"};
  mapping.ips = {"/ip", "/alert/ip/0"};
  WebhookSourceConfig config;
  config.mapping = mapping;
  auto normalizer = make_normalizer("generic", config);
  ASSERT_NE(normalizer, nullptr);

  BodyGenerator gen(7);
  int incidents = 0;
  for (int i = 0; i < 5'000; ++i) {
    std::string body = gen.body();
    // Most bodies get an id up front (it may still be repeated later), or few would normalize.
    if (i % 4 != 0 && body.size() > 1 && body[0] == '{') {
      body.insert(1, "\"id\":\"job-" + std::to_string(i) + (body[1] == '}' ? "\"" : "\","));
    }
    Result<Incident> expected = make_error(ErrorCode::internal, "unset");
    if (auto parsed = parse_untrusted_json(body)) {
      expected = normalizer->normalize(std::move(*parsed));
    } else {
      expected = parsed.error();
    }
    const auto got = normalizer->normalize_text(body);
    ASSERT_EQ(got.has_value(), expected.has_value()) << body;
    if (!got) {
      EXPECT_EQ(got.error().message, expected.error().message) << body;
      continue;
    }
    ++incidents;
    EXPECT_TRUE(got->raw.is_null());
    EXPECT_EQ(incident_payload_json(*got, "{}"), incident_payload_json(*expected, "{}")) << body;
  }
  EXPECT_GT(incidents, 500);
}

TEST(JsonPointerNormalizerText, WordsTheParseErrorOfABodyThatIsNotJson) {
  auto normalizer = make_normalizer("generic", WebhookSourceConfig{});
  auto r = normalizer->normalize_text(R"({"id": 1e999})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message, "malformed JSON: a number is out of range");
  r = normalizer->normalize_text(R"({"id": tru})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("malformed JSON at byte"), std::string::npos);
}

}  // namespace
}  // namespace triagent::ingress
