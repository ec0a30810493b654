#include "triagent/privacy/redactor.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>

#include "json_tree.hpp"
#include "scan_util.hpp"
#include "text_masks.hpp"

namespace triagent::privacy {

using namespace detail;

// A cheap "certainly not in the set" test for names looked up by their lower-cased text, before
// the copy, the lower-casing and the hash: one bit per length (capped at 63), and one bit per
// (length, first byte, last byte), lower-cased. Most labels and keys in logs have the length of
// some name ("Time", "Date"), few also its first and last letters.
struct NameFilter {
  std::uint64_t lengths = 0;
  std::array<std::uint64_t, 64> ends{};
  static std::size_t ends_bit(std::string_view name) {
    const auto low = [](char c) { return static_cast<std::size_t>(static_cast<unsigned char>(detail::lower(c))); };
    return ((low(name.front()) << 5) ^ low(name.back()) ^ (name.size() << 8)) & 4095;
  }
  void add(std::string_view lowered_name) {
    lengths |= std::uint64_t{1} << std::min<std::size_t>(lowered_name.size(), 63);
    if (lowered_name.empty()) return;
    const std::size_t bit = ends_bit(lowered_name);
    ends[bit >> 6] |= std::uint64_t{1} << (bit & 63);
  }
  bool may_hold_length(std::size_t length) const { return (lengths >> std::min<std::size_t>(length, 63)) & 1; }
  bool may_hold(std::string_view name) const {  // `name` in any case
    if (!may_hold_length(name.size())) return false;
    if (name.empty()) return true;
    const std::size_t bit = ends_bit(name);
    return (ends[bit >> 6] >> (bit & 63)) & 1;
  }
};

struct RedactorTables {
  // Lower-cased field name -> the lists that hold it (kUserField | kHostField | ...): one lookup
  // per JSON string instead of one per list.
  enum : unsigned char { kUserField = 1, kHostField = 2, kDenyField = 4, kAllowField = 8 };
  std::unordered_map<std::string, unsigned char> field_kinds;
  bool has_allow_fields = false;
  std::unordered_set<std::string> keep_values;   // lower case
  // Every key of field_kinds, the allow fields alone, and the user and host fields (the names a
  // "key=" label in text is looked up as).
  NameFilter any_field, allow_field, named_field;
  unsigned char kinds_of(const std::string& lowered_name) const {
    const auto it = field_kinds.find(lowered_name);
    return it == field_kinds.end() ? 0 : it->second;
  }
  // kinds_of() the key in any case; keys no filter lets through need no copy and no lookup.
  unsigned char kinds_of_key(std::string_view key, const NameFilter& filter) const {
    if (!filter.may_hold(key)) return 0;
    thread_local std::string lk;
    lk.assign(key);
    for (char& c : lk) c = lower(c);
    return kinds_of(lk);
  }
  bool may_name(std::size_t length) const { return named_field.may_hold_length(length); }
  bool may_name(std::string_view label) const { return named_field.may_hold(label); }
};

namespace {

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool is_placeholder(std::string_view s) {
  if (s.size() < 4 || s.front() != '<' || s.back() != '>') return false;
  for (char c : s.substr(1, s.size() - 2)) {
    if (!(upper(c) || digit(c) || c == '_')) return false;
  }
  return true;
}

}  // namespace

Result<Redactor> Redactor::create(const RedactionConfig& config) {
  auto scanner = PiiScanner::create(config);
  if (!scanner) return scanner.error();
  auto tables = std::make_shared<RedactorTables>();
  auto mark = [&tables](std::string_view name, unsigned char kind) {
    const std::string key = lowered(name);
    tables->field_kinds[key] |= kind;
    tables->any_field.add(key);
    if (kind & RedactorTables::kAllowField) tables->allow_field.add(key);
    if (kind & (RedactorTables::kUserField | RedactorTables::kHostField)) tables->named_field.add(key);
  };
  for (const auto& f : config.user_fields) mark(f, RedactorTables::kUserField);
  for (const auto& f : config.host_fields) mark(f, RedactorTables::kHostField);
  for (const auto& f : config.deny_fields) mark(f, RedactorTables::kDenyField);
  for (const auto& f : config.allow_fields) mark(f, RedactorTables::kAllowField);
  tables->has_allow_fields = !config.allow_fields.empty();
  for (const auto& v : config.keep_values) tables->keep_values.insert(lowered(v));
  // Free-text labels Windows writes in event messages.
  mark("account name", RedactorTables::kUserField);
  mark("workstation name", RedactorTables::kHostField);
  mark("source workstation", RedactorTables::kHostField);
  return Redactor(std::move(*scanner), std::move(tables));
}

namespace {
// The bytes of a "key=" label besides the single spaces between its words.
constexpr std::array<bool, 256> kLabelByte = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = alnum(static_cast<char>(c)) || c == '_' || c == '-' || c == '@';
  return t;
}();

// The named value whose separator or cue word is at s[i], if any, into `out`; returns where the
// search goes on (past the value's end after a finding).
std::size_t named_value_at(const RedactorTables& t, std::string_view s, std::size_t i, std::string& key,
                           std::vector<PiiFinding>& out) {
  const std::size_t n = s.size();
  const char c = s[i];
  PiiKind kind = PiiKind::custom;
  std::size_t v = i + 1;
  if (c == '=' || c == ':') {
    // The key: the word(s) before the separator ("user", "Account Name").
    std::size_t k = i;
    while (k > 0 && s[k - 1] == ' ') --k;
    if (k > 0 && (s[k - 1] == '"' || s[k - 1] == '\'')) --k;
    std::size_t b = k;
    // The labels tried below are the whole one and its suffixes after each space: when none can
    // be a user or host field name, skip the copy and the lookups. The suffixes are tested as
    // the walk passes their spaces. Past 32 bytes the label is too long whatever precedes it:
    // the walk stops at 33.
    bool may_name = false;
    while (b > 0 && k - b <= 32) {
      const char p = s[b - 1];
      if (kLabelByte[static_cast<unsigned char>(p)]) {
        --b;
      } else if (p == ' ' && b >= 2 && alpha(s[b - 2]) && k - b < 24) {
        may_name = may_name || t.may_name(std::string_view(s.data() + b, k - b));
        --b;
      } else {
        break;
      }
    }
    if (b == k || k - b > 32) return i + 1;
    may_name = may_name || t.may_name(std::string_view(s.data() + b, k - b));
    if (!may_name) return i + 1;
    key.assign(s.data() + b, k - b);
    for (char& ch : key) ch = lower(ch);
    if (key.front() == '"') key.erase(0, 1);
    // "alice Workstation Name": try the whole label, then its shorter word suffixes.
    while (true) {
      if (t.may_name(key.size())) {
        const unsigned char kinds = t.kinds_of(key);
        if (kinds & RedactorTables::kUserField) kind = PiiKind::user;
        else if (kinds & RedactorTables::kHostField) kind = PiiKind::host;
      }
      if (kind != PiiKind::custom) break;
      const auto sp = key.find(' ');
      if (sp == std::string::npos) break;
      key.erase(0, sp + 1);
    }
    if (kind == PiiKind::custom) return i + 1;
    if (c == ':' && i + 1 < n && s[i + 1] == '\\') return i + 1;  // "C:\..." is not "C: value"
  } else if ((c == 'u' || c == 'U') && i + 5 < n && lower(s[i + 1]) == 's' && iequal(s.substr(i, 5), "user ") &&
             (i == 0 || !word(s[i - 1]))) {
    // "for invalid user X from", "session opened for user X"
    kind = PiiKind::user;
    v = i + 5;
  } else if ((c == 'f') && i + 4 < n && s[i + 1] == 'o' && s.substr(i, 4) == "for " && (i == 0 || s[i - 1] == ' ') &&
             i >= 9 && (s.substr(i - 9, 9) == "password " || s.substr(i - 10 < i ? i - 10 : 0).starts_with("publickey "))) {
    kind = PiiKind::user;
    v = i + 4;
  } else {
    return i + 1;
  }
  while (v < n && (s[v] == ' ' || s[v] == '\t' || s[v] == '"' || s[v] == '\'')) ++v;
  std::size_t e = v;
  while (e < n && !space(s[e]) && s[e] != '"' && s[e] != '\'' && s[e] != ',' && s[e] != ';' && s[e] != ')' &&
         s[e] != '&' && s[e] != '|') {
    ++e;
  }
  if (e <= v) return i + 1;
  const std::string_view value = s.substr(v, e - v);
  if (value == "invalid" || value == "unknown" || value == "NOT" || value == "-" || is_placeholder(value)) return i + 1;
  if (t.keep_values.count(lowered(value))) return i + 1;
  out.push_back(PiiFinding{v, e, kind, placeholder_tag(kind)});
  return e + 1;
}

}  // namespace

void Redactor::find_named_values(std::string_view s, std::vector<PiiFinding>& out) const {
  // Only '=', ':' and the first letters of "user " / "for " can start a named value: the text is
  // searched for those bytes 64 at a time (this runs over every byte the redactor sees).
  std::string key;
  for_each_named_start(s, [&](std::size_t i) { return named_value_at(*tables_, s, i, key, out); });
}

namespace {
// The bytes a name token drops from its end ("alice." at a sentence end, "host-"): '.' and '-'.
constexpr std::array<bool, 256> kTrailingDot = [] {
  std::array<bool, 256> t{};
  t['.'] = t['-'] = true;
  return t;
}();
}  // namespace

void Redactor::add_known_names(std::string_view s, const Vault& vault, std::vector<PiiFinding>& findings) const {
  // User and host names learned from fields recur in messages ("Account Name: alice"): one pass
  // over the text's name-like tokens, each looked up in the vault's name index.
  if (!vault.has_names()) return;
  thread_local std::string key;
  bool added = false;
  auto try_span = [&](std::size_t b, std::size_t e) {
    while (e > b && (s[e - 1] == '.' || s[e - 1] == '-')) --e;
    if (e - b < 3) return false;
    if (!vault.may_hold_name(s.substr(b, e - b))) return false;  // most tokens: no copy, no lookup
    key.assign(s.substr(b, e - b));
    for (char& c : key) c = lower(c);
    const std::string* ph = vault.name_placeholder(key);
    if (!ph) return false;
    for (const auto& f : findings) {
      if (b < f.end && f.begin < e) return true;  // already covered by a finding
    }
    const bool user = ph->starts_with("<USER_");
    const PiiKind kind = user ? PiiKind::user : PiiKind::host;
    findings.push_back(PiiFinding{b, e, kind, placeholder_tag(kind)});
    added = true;
    return true;
  };
  // The whole token, else each part between backslashes (the account after "DOMAIN\", the
  // profile folder in "C:\Users\alice\AppData"), else the account before "@".
  auto try_token = [&](std::size_t i, std::size_t e, bool has_parts) {
    if (try_span(i, e) || !has_parts) return;
    const std::string_view tok = s.substr(i, e - i);
    if (tok.find('\\') != std::string_view::npos) {
      std::size_t part = i;
      for (std::size_t k = i; k <= e; ++k) {
        if (k == e || s[k] == '\\') {
          if (k > part) try_span(part, k);
          part = k + 1;
        }
      }
    } else if (const auto at = tok.find('@'); at != std::string_view::npos) {
      try_span(i, i + at);
    }
  };
  // The first test of try_span(), inline: the vault's cheap filters turn most tokens away, and a
  // token without parts has nothing else to try.
  auto may_be_name = [&](std::size_t b, std::size_t e) {
    while (e > b && kTrailingDot[static_cast<unsigned char>(s[e - 1])]) --e;
    return e - b >= 3 && vault.may_hold_name(std::string_view(s.data() + b, e - b));
  };
  for_each_name_token(s, [&](std::size_t b, std::size_t e, bool has_parts) {
    if (has_parts || may_be_name(b, e)) try_token(b, e, has_parts);
  });
  if (added) {
    std::sort(findings.begin(), findings.end(), [](const PiiFinding& a, const PiiFinding& b) { return a.begin < b.begin; });
  }
}

void Redactor::find(std::string_view text, std::vector<PiiFinding>& out) const {
  const std::size_t first = out.size();
  scanner_.scan(text, out);
  merge_named_values(text, out, first);
}

void Redactor::merge_named_values(std::string_view text, std::vector<PiiFinding>& out, std::size_t first) const {
  std::vector<PiiFinding> named;
  find_named_values(text, named);
  if (named.empty()) return;
  // Pattern findings win over name findings where they overlap.
  std::vector<PiiFinding> merged(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
  for (const auto& f : named) {
    bool overlaps = false;
    for (const auto& p : merged) {
      if (f.begin < p.end && p.begin < f.end) {
        overlaps = true;
        break;
      }
    }
    if (!overlaps) merged.push_back(f);
  }
  std::sort(merged.begin(), merged.end(), [](const PiiFinding& a, const PiiFinding& b) { return a.begin < b.begin; });
  out.resize(first);
  out.insert(out.end(), merged.begin(), merged.end());
}

void Redactor::redact_text(std::string_view text, Vault& vault, std::string& out) const {
  thread_local std::vector<PiiFinding> findings;
  findings.clear();
  find(text, findings);
  redact_found(text, findings, vault, out);
}

void Redactor::redact_found(std::string_view text, std::vector<PiiFinding>& findings, Vault& vault,
                            std::string& out) const {
  add_known_names(text, vault, findings);
  const RedactionConfig& cfg = config();
  std::size_t pos = 0;
  for (const auto& f : findings) {
    const std::string_view value = text.substr(f.begin, f.end - f.begin);
    if (f.kind == PiiKind::ip_address) {
      if (cfg.ip_mode == IpMode::keep) continue;
      if (cfg.keep_private_ips) {
        const bool priv = value.starts_with("10.") || value.starts_with("192.168.") || value.starts_with("127.") ||
                          (value.starts_with("172.") && value.size() > 6 && value[4] >= '1' && value[4] <= '3' &&
                           ((value[4] == '1' && value[5] >= '6') || value[4] == '2' || (value[4] == '3' && value[5] <= '1')) &&
                           value[6] == '.') ||
                          value == "::1" || istarts(value, "fe80:") || istarts(value, "fd");
        if (priv) continue;
      }
    }
    out.append(text.substr(pos, f.begin - pos));
    if (f.kind == PiiKind::ip_address && cfg.ip_mode == IpMode::drop) {
      out.append("<IP>");
    } else {
      out.append(vault.placeholder(f.tag, value));
    }
    pos = f.end;
  }
  out.append(text.substr(pos));
}

std::string Redactor::redact_text(std::string_view text, Vault& vault) const {
  std::string out;
  out.reserve(text.size());
  redact_text(text, vault, out);
  return out;
}

void Redactor::redact_field_value(std::string_view key, std::string& value, Vault& vault) const {
  const RedactorTables& t = *tables_;
  const unsigned char kinds = t.kinds_of_key(key, t.any_field);
  if (kinds & RedactorTables::kAllowField) return;
  if (value.empty() || is_placeholder(value)) return;
  if (kinds & RedactorTables::kDenyField) {
    value = vault.placeholder(placeholder_tag(PiiKind::password), value);
    return;
  }
  const bool user = kinds & RedactorTables::kUserField;
  const bool host = kinds & RedactorTables::kHostField;
  if (!user && !host) return;
  if (t.keep_values.count(lowered(value))) return;
  value = vault.placeholder(placeholder_tag(user ? PiiKind::user : PiiKind::host), value);
}

void Redactor::redact_text_value(const std::string_view* key, std::string& value, Vault& vault) const {
  if (key && tables_->has_allow_fields) {
    if (tables_->kinds_of_key(*key, tables_->allow_field) & RedactorTables::kAllowField) return;
  }
  if (value.empty() || is_placeholder(value)) return;
  thread_local std::string out;
  out.clear();
  redact_text(value, vault, out);
  value.swap(out);
}

void Redactor::redact_json_fields(nlohmann::json& value, const std::string* key, Vault& vault) const {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) redact_json_fields(it.value(), &it.key(), vault);
    return;
  }
  if (value.is_array()) {
    for (auto& v : value) redact_json_fields(v, key, vault);
    return;
  }
  if (!value.is_string() || key == nullptr) return;
  redact_field_value(*key, value.get_ref<std::string&>(), vault);
}

void Redactor::redact_json_text(nlohmann::json& value, const std::string* key, Vault& vault) const {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) redact_json_text(it.value(), &it.key(), vault);
    return;
  }
  if (value.is_array()) {
    for (auto& v : value) redact_json_text(v, key, vault);
    return;
  }
  if (!value.is_string()) return;
  const std::string_view k = key ? std::string_view(*key) : std::string_view();
  redact_text_value(key ? &k : nullptr, value.get_ref<std::string&>(), vault);
}

void Redactor::redact_json(nlohmann::json& value, Vault& vault) const {
  // Fields first, so the names they teach the vault are known when free text is scanned.
  redact_json_fields(value, nullptr, vault);
  redact_json_text(value, nullptr, vault);
}

bool Redactor::looks_like_json(std::string_view line) {
  const auto first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line[first] == '{';
}

std::string Redactor::redact_line(std::string_view line, Vault& vault) const {
  std::string_view body = line;
  while (!body.empty() && (body.front() == ' ' || body.front() == '\t')) body.remove_prefix(1);
  if (looks_like_json(body)) {
    // The light tree first; what it declines goes through nlohmann (same result, slower).
    thread_local JsonTree tree;
    if (tree.parse(body)) {
      tree.for_each_string([&](std::string_view key, std::string& v) { redact_field_value(key, v, vault); });
      tree.for_each_string([&](std::string_view key, std::string& v) { redact_text_value(&key, v, vault); });
      std::string out;
      out.reserve(body.size() + 64);
      tree.write(out);
      return out;
    }
    nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_discarded() && j.is_object()) {
      redact_json(j, vault);
      return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  return redact_text(line, vault);
}

void Redactor::redact_lines(std::span<const std::string_view> lines, Vault& vault, std::span<std::string> out) const {
  const std::size_t n = std::min(lines.size(), out.size());
  thread_local std::vector<std::vector<PiiFinding>> found;
  if (found.size() < n) found.resize(n);
  // Stage by stage over the plain-text lines: patterns, then names by key (neither reads the vault).
  for (std::size_t k = 0; k < n; ++k) {
    found[k].clear();
    if (!looks_like_json(lines[k])) scanner_.scan(lines[k], found[k]);
  }
  for (std::size_t k = 0; k < n; ++k) {
    if (!looks_like_json(lines[k])) merge_named_values(lines[k], found[k], 0);
  }
  // In line order, as the vault numbers placeholders by first sight.
  for (std::size_t k = 0; k < n; ++k) {
    if (looks_like_json(lines[k])) {
      out[k] = redact_line(lines[k], vault);
    } else {
      out[k].clear();
      redact_found(lines[k], found[k], vault, out[k]);
    }
  }
}

}  // namespace triagent::privacy
