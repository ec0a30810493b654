// The audit record format: kinds, canonical JSON, the hash, the composed line, and data capping.
#include <gtest/gtest.h>

#include "audit/data_cap.hpp"
#include "audit/record_composer.hpp"
#include "triagent/audit/audit_record.hpp"

namespace triagent::audit {
namespace {

using nlohmann::json;

AuditRecord sample_record() {
  AuditRecord r;
  r.seq = 7;
  r.time = "2026-11-22T10:15:30.123Z";
  r.job_id = "42";
  r.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r.kind = "llm_call";
  r.data = {{"model", "gpt-4o"}, {"tokens_in", 912}, {"cost_usd", 0.0123}};
  r.prev = std::string(64, 'a');
  r.hash = compute_record_hash(r);
  return r;
}

TEST(AuditKind, AcceptsLowerCaseAndUnderscoreOnly) {
  EXPECT_TRUE(is_valid_audit_kind("llm_call"));
  EXPECT_TRUE(is_valid_audit_kind(kind::approval_decided));
  EXPECT_TRUE(is_valid_audit_kind(std::string(64, 'a')));
  EXPECT_FALSE(is_valid_audit_kind(""));
  EXPECT_FALSE(is_valid_audit_kind(std::string(65, 'a')));
  EXPECT_FALSE(is_valid_audit_kind("LLM_call"));
  EXPECT_FALSE(is_valid_audit_kind("llm-call"));
  EXPECT_FALSE(is_valid_audit_kind("llm call"));
  EXPECT_FALSE(is_valid_audit_kind("llm2"));
}

TEST(AuditCanonicalJson, SortsKeysKeepsUtf8AndReplacesInvalidBytes) {
  json j = {{"b", 1}, {"a", "é"}, {"c", {{"z", true}, {"y", nullptr}}}};
  EXPECT_EQ(canonical_json(j), R"({"a":"é","b":1,"c":{"y":null,"z":true}})");
  EXPECT_EQ(canonical_json(json("a\xff")), "\"a\xEF\xBF\xBD\"");
  EXPECT_EQ(canonical_json(json("tab\there\x01")), R"("tab\there\u0001")");
}

TEST(AuditRecordFormat, LineIsTheSortedRecordWithItsHash) {
  AuditRecord r = sample_record();
  const std::string line = record_line(r);
  EXPECT_EQ(line.rfind(R"({"data":{"cost_usd":0.0123,"model":"gpt-4o","tokens_in":912},"hash":")", 0), 0u) << line;
  EXPECT_NE(line.find(R"(,"job_id":"42","kind":"llm_call","prev":")"), std::string::npos);
  EXPECT_NE(line.find(R"(,"seq":7,"time":"2026-11-22T10:15:30.123Z","trace_id":"4bf92f)"), std::string::npos);
  // The hash covers everything but itself.
  json without = json::parse(line);
  without.erase("hash");
  EXPECT_EQ(r.hash, sha256_hex(without.dump()));
  EXPECT_EQ(r.hash.size(), 64u);
}

TEST(AuditRecordFormat, KnownSha256) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(AuditRecordFormat, ComposedLineEqualsTheCanonicalRecordForAwkwardValues) {
  const std::vector<std::pair<std::string, json>> cases = {
      {"", json::object()},
      {"quote\" back\\slash\n\x01 é 😀", {{"nested", {{"k", json::array({1, -2, 3.5, "x"})}}}, {"A", false}}},
      {"bad utf8 \xC3", {{"bad\xFF key", "bad\xFE value"}, {"ok", 1e300}}},
      {std::string(300, 'j'), {{"big", 18446744073709551615ull}, {"neg", -9223372036854775807LL}}},
  };
  std::string prev(kGenesisPrev);
  std::int64_t seq = 0;
  for (const auto& [id, data] : cases) {
    PreparedEntry e = prepare_entry(id, id + "-trace", "query", data, 64 * 1024);
    ASSERT_FALSE(e.error);
    ComposedLine c = compose_line(e, ++seq, "2026-01-02T03:04:05.006Z", prev);
    const json parsed = json::parse(c.line);
    AuditRecord r;
    ASSERT_EQ(read_record(parsed, r), "") << c.line;
    EXPECT_EQ(canonical_json(parsed), c.line);
    EXPECT_EQ(record_line(r), c.line);
    EXPECT_EQ(compute_record_hash(r), c.hash);
    EXPECT_EQ(r.prev, prev);
    EXPECT_LE(r.job_id.size(), kMaxIdLength);
    prev = sha256_hex(c.line);
  }
}

TEST(AuditRecordFormat, ReadRecordNamesWhatIsWrong) {
  const json good = json::parse(record_line(sample_record()));
  AuditRecord r;
  EXPECT_EQ(read_record(good, r), "");
  EXPECT_EQ(r.seq, 7);
  EXPECT_EQ(r.data["model"], "gpt-4o");

  auto with = [&](const std::string& key, json value) {
    json j = good;
    j[key] = std::move(value);
    AuditRecord out;
    return read_record(j, out);
  };
  EXPECT_EQ(read_record(json::array(), r), "not a JSON object");
  EXPECT_EQ(with("extra", 1), "unexpected field 'extra'");
  EXPECT_EQ(with("seq", 0), "seq is not a positive integer");
  EXPECT_EQ(with("seq", "7"), "seq is not a positive integer");
  EXPECT_EQ(with("kind", "Bad"), "kind 'Bad' is not [a-z_]{1,64}");
  EXPECT_EQ(with("time", "2026-11-22 10:15:30"), "time '2026-11-22 10:15:30' is not an RFC 3339 UTC time with milliseconds");
  EXPECT_EQ(with("prev", "abc"), "prev is not 64 lower-case hex digits");
  EXPECT_EQ(with("hash", std::string(64, 'A')), "hash is not 64 lower-case hex digits");
  EXPECT_EQ(with("data", json::array()), "field 'data' is not an object");
  EXPECT_EQ(with("job_id", 42), "field 'job_id' is not a string");
  json missing = good;
  missing.erase("trace_id");
  EXPECT_EQ(read_record(missing, r), "field 'trace_id' is missing");
}

TEST(AuditPrepare, RejectsAnInvalidKindAndNonObjectData) {
  auto bad_kind = prepare_entry("j", "t", "Not-A-Kind", json::object(), 1024);
  ASSERT_TRUE(bad_kind.error);
  EXPECT_EQ(bad_kind.error->code, ErrorCode::invalid_argument);
  EXPECT_NE(bad_kind.error->message.find("Not-A-Kind"), std::string::npos);

  auto array = prepare_entry("j", "t", "query", json::array({1}), 1024);
  ASSERT_TRUE(array.error);
  EXPECT_EQ(array.error->message, "audit data must be a JSON object, not array");

  auto null = prepare_entry("j", "t", "query", nullptr, 1024);
  ASSERT_FALSE(null.error);
  EXPECT_EQ(null.data_text, "{}");
}

TEST(AuditDataCap, KeepsSmallFieldsAndNamesTheRemovedOnes) {
  json data = {{"model", "gpt-4o"}, {"tokens_in", 912}, {"prompt", std::string(100'000, 'p')},
               {"response", std::string(80'000, 'r')}};
  const std::size_t original = canonical_json(data).size();
  PreparedEntry e = prepare_entry("j", "t", "llm_call", data, 64 * 1024);
  ASSERT_FALSE(e.error);
  EXPECT_TRUE(e.truncated);
  EXPECT_LE(e.data_text.size(), 64u * 1024);
  const json capped = json::parse(e.data_text);
  EXPECT_EQ(capped["model"], "gpt-4o");
  EXPECT_EQ(capped["tokens_in"], 912);
  EXPECT_FALSE(capped.contains("prompt"));
  EXPECT_FALSE(capped.contains("response"));
  EXPECT_EQ(capped["_truncated"]["original_bytes"], original);
  EXPECT_EQ(capped["_truncated"]["removed"], json::array({"prompt", "response"}));
  EXPECT_EQ(capped["_truncated"]["removed_count"], 2);
}

TEST(AuditDataCap, KeepsAFieldThatFitsBesideARemovedOne) {
  json data = {{"evidence", std::string(50'000, 'e')}, {"query", std::string(40'000, 'q')}};
  const json capped = json::parse(cap_data(data, canonical_json(data).size(), 64 * 1024));
  EXPECT_TRUE(capped.contains("query"));
  EXPECT_FALSE(capped.contains("evidence"));
  EXPECT_EQ(capped["_truncated"]["removed"], json::array({"evidence"}));
}

TEST(AuditDataCap, ATinyBudgetStillGivesTheMarker) {
  json data;
  for (int i = 0; i < 100; ++i) data["field_" + std::to_string(i) + std::string(60, 'x')] = i;
  const std::string text = cap_data(data, canonical_json(data).size(), 200);
  const json capped = json::parse(text);
  ASSERT_EQ(capped.size(), 1u);
  EXPECT_EQ(capped["_truncated"]["removed_count"], 100);
}

TEST(AuditDataCap, DataUnderTheCapIsUntouched) {
  json data = {{"a", std::string(1000, 'a')}};
  PreparedEntry e = prepare_entry("j", "t", "query", data, 1000 + 16);
  EXPECT_FALSE(e.truncated);
  EXPECT_EQ(e.data_text, canonical_json(data));
}

}  // namespace
}  // namespace triagent::audit
