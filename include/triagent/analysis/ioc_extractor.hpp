#pragma once
// IocExtractor: finds indicators and entities in free text with hand-written scanners (linear
// time, no backtracking): IPv4/IPv6, domains (checked against the TLD list), URLs, e-mail
// addresses, MD5/SHA-1/SHA-256, CVE ids, Windows and Unix file paths, registry keys and
// DOMAIN\user names. Defanged forms are fanged first. Values are de-duplicated per kind. A hex
// value right after an id field name (`AgentUUID = "..."`) is an identifier, not a hash.
//
//   IocExtractor extractor;
//   Indicators found;
//   extractor.scan("beacon to hxxp://evil[.]com/a from 10.0.0.5", found);
//   // found.urls == {"http://evil.com/a"}, found.domains == {"evil.com"}, found.ipv4 == {"10.0.0.5"}

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace triagent::analysis {

struct Indicators {
  std::vector<std::string> ipv4;
  std::vector<std::string> ipv6;
  std::vector<std::string> domains;
  std::vector<std::string> urls;
  std::vector<std::string> emails;
  std::vector<std::string> md5;
  std::vector<std::string> sha1;
  std::vector<std::string> sha256;
  std::vector<std::string> cves;
  std::vector<std::string> file_paths;
  std::vector<std::string> registry_keys;
  std::vector<std::string> users;     // DOMAIN\user forms seen in text
  std::vector<std::string> xmpp;      // user@jabber-server ids (kept apart from e-mail)
  std::size_t max_per_kind = 64;      // bound per kind: hostile lines cannot grow output

  void clear();
  bool empty() const;
  // Adds `value` to `list` unless present or the list is full; returns true when added.
  bool add(std::vector<std::string>& list, std::string_view value) const;
};

struct IocScanOptions {
  bool domains_from_urls = true;    // also report the host of each URL / e-mail as a domain
  bool paths = true;                // file paths and registry keys
  bool users = true;                // DOMAIN\user
  bool urls = true;                 // report URLs (off when rescanning inside a URL)
  bool hashes = true;               // MD5/SHA-1/SHA-256 (off for the value of an id field)
};

class IocExtractor {
 public:
  explicit IocExtractor(IocScanOptions options = {}) : options_(options) {}
  // Appends what `text` holds to `out`.
  void scan(std::string_view text, Indicators& out) const;

 private:
  void scan_fanged(std::string_view text, Indicators& out, int depth) const;
  IocScanOptions options_;
};

// Helpers the redactor and the severity scorer share.
bool is_known_tld(std::string_view label);          // case-insensitive, e.g. "com", "xn--p1ai"
bool parse_ipv4(std::string_view s);                // dotted quad, each part 0..255, no leading zeros beyond one
bool parse_ipv6(std::string_view s);                // RFC 4291 text forms, with embedded IPv4
bool is_private_ip(std::string_view ip);            // RFC 1918, loopback, link-local, CGNAT, ULA
// A domain name whose last label is a known TLD and whose labels are valid host labels.
bool is_valid_domain(std::string_view s);

}  // namespace triagent::analysis
