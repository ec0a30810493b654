#pragma once
// Building Management API URLs from values that came from outside (webhook ids, cursors, filter
// text) without letting one of them add a parameter or change the path.
//
//   if (auto ok = s1::check_id(threat_id, "threat id"); !ok) co_return ok.error();
//   s1::QueryString q;
//   q.add("ids", threat_id).add("cursor", cursor);          // each value percent-encoded
//   std::string path = "/web/api/v2.1/threats" + q.str();   // "...?ids=7&cursor=eyJ..%3D"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triagent/core/result.hpp"

namespace triagent::s1 {

inline constexpr std::string_view kApiPrefix = "/web/api/v2.1";
inline constexpr std::size_t kMaxIdBytes = 64;

// RFC 3986: everything but unreserved characters (A-Z a-z 0-9 - . _ ~) becomes %XX.
std::string percent_encode(std::string_view value);
// %XX sequences decoded; anything else (a lone '%', '+') kept as it is.
std::string percent_decode(std::string_view value);

// A REST id (threat, agent, account, site, DV query): 1..64 of [A-Za-z0-9_-]. Real ones are int64
// decimals ("715718962991148224") or "q" + hex; the check keeps '&', '/', ',', '%' and spaces out.
// invalid_argument "<what>: ..." otherwise (the value is not echoed: it may be anything).
Result<void> check_id(std::string_view id, std::string_view what);
Result<void> check_ids(const std::vector<std::string>& ids, std::string_view what);

class QueryString {
 public:
  QueryString& add(std::string_view key, std::string_view value);
  // Comma-separated, as list filters expect (ids=1,2,3); each value encoded, the commas not.
  QueryString& add_list(std::string_view key, const std::vector<std::string>& values);
  // "" when empty, else "?k=v&k2=v2".
  std::string str() const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace triagent::s1
