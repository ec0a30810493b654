#pragma once
// `triagent audit verify [--config FILE] [--dir DIR]`: checks the whole audit chain and says where
// it first breaks. The log is <data_dir>/audit unless --dir names another directory (a copy).
//
//   exit 0   "audit chain intact: N records"
//   exit 65  (EX_DATAERR) "audit chain broken at line L (seq S): what is wrong"
//   exit 64 usage, 66 no audit log, 74 I/O error, 78 configuration error

#include <ostream>
#include <string>
#include <vector>

namespace triagent::cli {

// `args` are the words after "audit".
int audit_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace triagent::cli
