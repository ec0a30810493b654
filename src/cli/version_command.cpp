#include "cli/version_command.hpp"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include <boost/version.hpp>

namespace triagent::cli {

void print_version(std::ostream& out) {
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  out << "triagent " << TRIAGENT_VERSION << " (git " << TRIAGENT_GIT_SHA << ")\n"
      << "boost " << BOOST_VERSION / 100000 << "." << BOOST_VERSION / 100 % 1000 << "." << BOOST_VERSION % 100 << "\n"
      << "libcurl " << (curl ? curl->version : "unknown") << "\n"
      << "openssl " << OpenSSL_version(OPENSSL_VERSION_STRING) << "\n"
      << "sqlite " << sqlite3_libversion() << "\n";
}

}  // namespace triagent::cli
