// verify(): each kind of tampering is found, and the report names the first bad record.
#include "audit_test_support.hpp"

namespace triagent::audit_test {
namespace {

using nlohmann::json;

class AuditVerify : public AuditFixture {
 protected:
  void SetUp() override {
    open();
    append_n(10);
    log.reset();  // a closed log, as `triagent audit verify` usually sees it
    lines = read_lines();
    ASSERT_EQ(lines.size(), 10u);
  }
  audit::VerifyReport verify_broken() {
    auto report = verify_ok();
    EXPECT_FALSE(report.intact());
    return report;
  }
  std::vector<std::string> lines;
};

TEST_F(AuditVerify, OneByteChangedInDataIsNamed) {
  const auto pos = lines[4].find(R"("i":4)");
  ASSERT_NE(pos, std::string::npos);
  lines[4][pos + 4] = '7';
  write_lines(lines);
  auto r = verify_broken();
  EXPECT_EQ(r.line, 5);
  EXPECT_EQ(r.first_bad_seq, 5);
  EXPECT_EQ(r.records, 4);
  EXPECT_NE(r.problem.find("hash does not match"), std::string::npos) << r.problem;
}

TEST_F(AuditVerify, ADeletedLineIsNamed) {
  lines.erase(lines.begin() + 3);
  write_lines(lines);
  auto r = verify_broken();
  EXPECT_EQ(r.line, 4);
  EXPECT_EQ(r.first_bad_seq, 5);
  EXPECT_EQ(r.problem, "seq 5 where 4 was expected (records are missing or were moved)");
}

TEST_F(AuditVerify, TwoSwappedLinesAreNamed) {
  std::swap(lines[6], lines[7]);
  write_lines(lines);
  auto r = verify_broken();
  EXPECT_EQ(r.line, 7);
  EXPECT_EQ(r.first_bad_seq, 8);
  EXPECT_EQ(r.records, 6);
}

TEST_F(AuditVerify, AnEditedHashIsNamed) {
  json j = json::parse(lines[2]);
  std::string hash = j["hash"];
  hash[0] = hash[0] == 'a' ? 'b' : 'a';
  j["hash"] = hash;
  lines[2] = audit::canonical_json(j);
  write_lines(lines);
  auto r = verify_broken();
  EXPECT_EQ(r.line, 3);
  EXPECT_EQ(r.first_bad_seq, 3);
  EXPECT_NE(r.problem.find("hash does not match"), std::string::npos);
}

TEST_F(AuditVerify, AnEditWithARecomputedHashBreaksTheNextLink) {
  json j = json::parse(lines[5]);
  j["data"]["i"] = 600;
  audit::AuditRecord r6;
  ASSERT_EQ(audit::read_record(j, r6), "");
  r6.data = j["data"];
  r6.hash = audit::compute_record_hash(r6);
  lines[5] = audit::record_line(r6);
  write_lines(lines);
  auto r = verify_broken();
  EXPECT_EQ(r.line, 7);
  EXPECT_EQ(r.first_bad_seq, 7);
  EXPECT_EQ(r.problem, "prev does not match the SHA-256 of line 6 (that line was changed, removed or replaced)");
}

TEST_F(AuditVerify, ARemovedFirstRecordIsNamed) {
  lines.erase(lines.begin());
  write_lines(lines);
  auto r = verify_broken();
  EXPECT_EQ(r.line, 1);
  EXPECT_EQ(r.first_bad_seq, 2);
}

TEST_F(AuditVerify, AReserialisedLineIsNamed) {
  lines[8] = json::parse(lines[8]).dump(1);  // same content, other bytes
  std::string one_line;
  for (char c : lines[8]) {
    if (c != '\n') one_line += c;
  }
  lines[8] = one_line;
  write_lines(lines);
  auto r = verify_broken();
  EXPECT_EQ(r.line, 9);
  EXPECT_NE(r.problem.find("canonical form"), std::string::npos) << r.problem;
}

TEST_F(AuditVerify, ALineThatIsNotJsonIsNamed) {
  lines[1] = "garbage";
  write_lines(lines);
  auto r = verify_broken();
  EXPECT_EQ(r.line, 2);
  EXPECT_EQ(r.first_bad_seq, 2);
  EXPECT_EQ(r.problem, "not valid JSON");
}

TEST_F(AuditVerify, AnUnterminatedLastLineIsReportedButNotCounted) {
  write_file(file_path(), read_file(file_path()) + R"({"data":{)");
  auto r = verify_ok();
  EXPECT_TRUE(r.intact());
  EXPECT_TRUE(r.torn_tail);
  EXPECT_EQ(r.records, 10);
}

TEST_F(AuditVerify, AMissingLogIsNotFound) {
  auto r = audit::verify((dir.path() / "nowhere").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace triagent::audit_test
