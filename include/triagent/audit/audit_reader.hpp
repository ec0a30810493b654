#pragma once
// Reading the audit trail back: records for the admin API, the review UI and the DataSet shipper
// (which resumes after the last seq it shipped), and a full verification of the chain for
// `triagent audit verify`. Both read the file without locking it, so they work beside a running
// daemon; an unterminated last line (a write in progress, or a crash's torn line) is not read.
//
//   auto page = read_records(dir, last_shipped + 1, 500);
//   auto report = verify(dir);
//   if (report && !report->intact()) std::cerr << "line " << report->line << ": " << report->problem;

#include <cstdint>
#include <string>
#include <vector>

#include "triagent/audit/audit_record.hpp"
#include "triagent/core/result.hpp"

namespace triagent::audit {

// Up to `max` records with seq >= from_seq, in order. Finds from_seq by bisecting the file (seq
// grows with the offset), so resuming near the end of a large file does not read all of it. The
// chain is not checked here (that is verify()'s job). Errors: not_found when there is no audit
// file; unavailable on I/O errors and for a line that is not a well-formed record (named by its
// byte offset).
Result<std::vector<AuditRecord>> read_records(const std::string& dir, std::int64_t from_seq, std::size_t max);

struct VerifyReport {
  std::int64_t records = 0;        // records that verify (all of them when intact)
  std::int64_t first_bad_seq = 0;  // the seq the bad record claims (or the one expected there if
                                   // the line cannot be read); 0 when intact
  std::int64_t line = 0;           // 1-based line number of the first bad record; 0 when intact
  std::string problem;             // what is wrong with it, in words; empty when intact
  bool torn_tail = false;          // the file ends in an unterminated line (not counted, not an
                                   // error: the writer removes it when it next opens the log)
  bool intact() const { return problem.empty(); }
};

// Recomputes every record's hash and prev link and checks seq continuity (1, 2, 3 ...), the field
// set, and that each line is in canonical form. Stops at the first bad record. Errors (not a
// verdict on the chain): not_found when there is no audit file, unavailable on I/O errors.
Result<VerifyReport> verify(const std::string& dir);

}  // namespace triagent::audit
