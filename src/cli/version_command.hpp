#pragma once
// `triagent version`: the product version and git commit, and the versions of the libraries it
// runs on (Boost, libcurl, OpenSSL, SQLite), for bug reports and audits.

#include <ostream>

namespace triagent::cli {

void print_version(std::ostream& out);

}  // namespace triagent::cli
