#pragma once
// Quoting untrusted values (host and user names, hashes, ids from a webhook or an upstream answer)
// into the query languages the context fetcher speaks, so a value always becomes exactly one
// string literal and never query syntax. Context templates insert every placeholder through one of
// these functions; nothing else builds query text from outside values.
//
//   Result<std::string> host = quote_powerquery_string(incident.entities.hosts.front());
//   if (!host) skip_template(host.error().message);            // never falls back to the raw value
//   std::string q = "serverHost = " + *host + " | limit 100";    // serverHost = "WS-FIN-023" | ...
//
// Rules (apis.md A.5, A.12, B.8):
//  - PowerQuery and the DataSet filter language (one grammar: PowerQuery's initial filter is the
//    /api/query filter): a double-quoted literal; `\` is written `\\` and `"` is written `\"`;
//    nothing else is escaped. Double quotes, not single ones: apis.md A.5 reports HTTP 500s for
//    single-quoted literals sent through the API.
//  - S1QL 1.0 (Deep Visibility init-query): a double-quoted literal; `\` is written `\\` (as the
//    pySigma Deep Visibility backend writes it). A value holding `"` is refused: whether S1QL 1.0
//    reads `\"` as a quote is not verified (public S1QL queries also show a lone `\` before the
//    closing quote), and without `"` in the value the literal ends at our closing quote whether or
//    not the server treats `\` as an escape. If it does not, a doubled backslash only narrows the
//    match; it never opens the query to injection.
//  - Both refuse values that cannot be shown or sent safely: invalid UTF-8, NUL and every other
//    control character (C0 including tab, CR and LF; DEL; C1), the Unicode line and paragraph
//    separators, bidirectional overrides and isolates (they make the query read differently to a
//    human in the audit log than to the parser), and values longer than `max_bytes`.
//  - Error messages name the rule and the byte offset, never the value (it may be personal data).
//
// Management API ids (threat notes) are not quoted but checked: checked_api_id() accepts
// [A-Za-z0-9_-]{1,64}, as the Singularity connectors do before an id reaches a URL.

#include <cstddef>
#include <string>
#include <string_view>

#include "triagent/core/result.hpp"

namespace triagent {

// Longest value quoted by default: host, user and file names, hashes and ids fit easily.
inline constexpr std::size_t kMaxQuotedValueBytes = 1024;

// A complete PowerQuery / DataSet filter string literal, quotes included; invalid_argument when the
// value cannot be represented safely.
Result<std::string> quote_powerquery_string(std::string_view value, std::size_t max_bytes = kMaxQuotedValueBytes);

// A complete S1QL 1.0 string literal, quotes included; invalid_argument as above, and for `"`.
Result<std::string> quote_s1ql_string(std::string_view value, std::size_t max_bytes = kMaxQuotedValueBytes);

// The value itself when it is a plausible Management API id; invalid_argument otherwise.
Result<std::string> checked_api_id(std::string_view value);

}  // namespace triagent
