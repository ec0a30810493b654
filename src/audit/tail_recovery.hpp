#pragma once
// recover_tail: where the chain left off, read from the last line of an audit file being opened
// for appending, after cutting away what a crash may have left there.
//
// A crash (or power loss) during a write leaves a last line without its newline, or bytes that are
// not JSON; those records were never acknowledged, so they are cut away and reported in `warning`.
// A last line that is JSON but not a valid record is damage of another kind (an edit, a bad copy):
// that is an error, as appending to it would extend a chain that no longer verifies.
//
//   auto tail = recover_tail(fd, path);
//   if (!tail) return tail.error();
//   next_seq = tail->last_seq + 1; prev = tail->last_line_hash;

#include <cstdint>
#include <string>

#include "triagent/core/result.hpp"

namespace triagent::audit {

struct TailState {
  std::int64_t last_seq = 0;     // 0 for an empty file
  std::string last_line_hash;    // SHA-256 of the last line: the next record's prev
  std::int64_t size = 0;         // the file's size after any repair
  std::string warning;           // what was cut away, or empty
};

Result<TailState> recover_tail(int fd, const std::string& path);

}  // namespace triagent::audit
