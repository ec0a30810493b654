// read_records(): pages from a seq, including from far into a large file.
#include <latch>

#include "audit_test_support.hpp"

namespace triagent::audit_test {
namespace {

using nlohmann::json;

class AuditReader : public AuditFixture {
 protected:
  void SetUp() override { open(); }
  std::vector<audit::AuditRecord> read(std::int64_t from, std::size_t max) {
    auto r = audit::read_records(dir_path(), from, max);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<audit::AuditRecord>{};
  }
};

TEST_F(AuditReader, ReadsAPageFromASeq) {
  append_n(20);
  auto page = read(5, 3);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].seq, 5);
  EXPECT_EQ(page[2].seq, 7);
  EXPECT_EQ(page[0].kind, "query");
  EXPECT_EQ(page[0].job_id, "job-1");
  EXPECT_EQ(page[0].data, json({{"i", 4}}));
  EXPECT_EQ(audit::record_line(page[0]), read_lines()[4]);

  EXPECT_EQ(read(0, 100).size(), 20u);
  EXPECT_EQ(read(19, 100).size(), 2u);
  EXPECT_TRUE(read(21, 100).empty());
  EXPECT_TRUE(read(1, 0).empty());
}

TEST_F(AuditReader, FindsASeqFarIntoALargeFile) {
  // About 3 MB of records, so the reader bisects instead of scanning. Submitted without waiting
  // for each, so they share a few syncs.
  std::latch written(1500);
  for (int i = 0; i < 1500; ++i) {
    log->append("", "", "query", {{"i", i}, {"pad", std::string(2000, 'p')}},
                [&](Result<audit::AuditRecordRef> r) {
                  EXPECT_TRUE(r);
                  written.count_down();
                });
  }
  written.wait();
  for (std::int64_t from : {1, 2, 700, 1499, 1500}) {
    auto page = read(from, 2);
    ASSERT_FALSE(page.empty()) << from;
    EXPECT_EQ(page[0].seq, from);
  }
  EXPECT_TRUE(read(1501, 5).empty());
}

TEST_F(AuditReader, StopsBeforeAnUnterminatedLastLine) {
  append_n(3);
  write_file(file_path(), read_file(file_path()) + R"({"data":)");
  EXPECT_EQ(read(1, 10).size(), 3u);
}

TEST_F(AuditReader, AMalformedLineIsAnErrorThatSaysWhere) {
  append_n(3);
  auto lines = read_lines();
  lines[1] = "{}";
  write_lines(lines);
  auto r = audit::read_records(dir_path(), 1, 10);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("field 'data' is missing"), std::string::npos) << r.error().message;
}

TEST_F(AuditReader, NoFileIsNotFound) {
  auto r = audit::read_records((dir.path() / "none").string(), 1, 10);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace triagent::audit_test
