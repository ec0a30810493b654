// Slot extraction from an analyst's question (see question_slots.hpp).
#include "triagent/hunt/question_slots.hpp"

#include <array>
#include <vector>

#include "triagent/analysis/ioc_extractor.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent::hunt {

namespace {

using analysis::iequals;
using analysis::iends_with;
using analysis::to_lower;

struct Word {
  std::string text;  // trimmed of surrounding punctuation and quotes
  std::string lower;
};

std::vector<Word> words_of(std::string_view q) {
  std::vector<Word> out;
  std::size_t i = 0;
  while (i < q.size()) {
    while (i < q.size() && analysis::is_space(q[i])) ++i;
    std::size_t j = i;
    while (j < q.size() && !analysis::is_space(q[j])) ++j;
    std::string_view w = q.substr(i, j - i);
    while (!w.empty() && (w.front() == '"' || w.front() == '\'' || w.front() == '(' || w.front() == '`')) w.remove_prefix(1);
    while (!w.empty() && (w.back() == '"' || w.back() == '\'' || w.back() == ')' || w.back() == ',' || w.back() == '?' ||
                          w.back() == '.' || w.back() == ';' || w.back() == ':' || w.back() == '`' || w.back() == '!')) {
      w.remove_suffix(1);
    }
    if (!w.empty()) out.push_back(Word{std::string(w), to_lower(w)});
    i = j;
  }
  return out;
}

constexpr std::array<std::string_view, 12> kExeSuffixes = {".exe", ".dll", ".ps1", ".bat", ".cmd", ".vbs",
                                                           ".js",  ".scr", ".msi", ".hta", ".sh",  ".py"};
constexpr std::array<std::string_view, 26> kKnownProcesses = {
    "powershell", "pwsh", "cmd", "rundll32", "regsvr32", "mshta", "wscript", "cscript", "certutil",
    "bitsadmin", "psexec", "psexesvc", "wmic", "schtasks", "mimikatz", "procdump", "net", "net1",
    "whoami", "nltest", "msiexec", "installutil", "winword", "excel", "outlook", "lsass"};
constexpr std::array<std::string_view, 30> kStopwords = {
    "the", "a", "an", "any", "all", "and", "or", "of", "in", "on", "for", "from", "to", "by", "with", "that",
    "which", "who", "last", "past", "this", "these", "were", "was", "is", "are", "has", "have", "me", "show"};

// Words that follow "service", "process", "user" in questions without being a name.
constexpr std::array<std::string_view, 14> kNotNames = {"creation", "created", "install", "installed", "installs",
                                                        "dropped", "events", "event", "activity", "names",
                                                        "running", "started", "launched", "executions"};

bool is_stopword(std::string_view w) {
  for (auto s : kStopwords) {
    if (w == s) return true;
  }
  for (auto s : kNotNames) {
    if (w == s) return true;
  }
  return false;
}

bool looks_like_process(const Word& w) {
  for (auto s : kExeSuffixes) {
    if (w.lower.size() > s.size() && iends_with(w.lower, s) && w.lower.find('\\') == std::string::npos &&
        w.lower.find('/') == std::string::npos) {
      return true;
    }
  }
  for (auto p : kKnownProcesses) {
    if (w.lower == p) return true;
  }
  return false;
}

// A plain name value: letters, digits and . _ - $ @ (no spaces or quotes), not a stopword.
bool plain_value(const Word& w) {
  if (w.text.empty() || w.text.size() > 128 || is_stopword(w.lower)) return false;
  for (char c : w.text) {
    if (!(analysis::is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '$' || c == '@' || c == '\\')) return false;
  }
  return true;
}

// The word after any of `keys` (skipping "named"/"called"/"is"/":"), when it is a plain value.
std::string after_keyword(const std::vector<Word>& words, std::initializer_list<std::string_view> keys) {
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    bool hit = false;
    for (auto k : keys) hit = hit || words[i].lower == k;
    if (!hit) continue;
    std::size_t j = i + 1;
    while (j < words.size() && (words[j].lower == "named" || words[j].lower == "called" || words[j].lower == "name" ||
                                words[j].lower == "account" || words[j].lower == "is")) {
      ++j;
    }
    if (j < words.size() && plain_value(words[j])) return words[j].text;
  }
  return "";
}

std::string since_of(const std::vector<Word>& words) {
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i].lower != "last" && words[i].lower != "past" && words[i].lower != "previous") continue;
    std::string n = "1";
    std::size_t u = i + 1;
    if (analysis::all_digits(words[u].lower) && words[u].lower.size() <= 4) {
      n = words[u].lower;
      ++u;
    }
    if (u >= words.size()) break;
    const std::string& unit = words[u].lower;
    if (unit.rfind("minute", 0) == 0 || unit == "min" || unit == "mins") return n + "m";
    if (unit.rfind("hour", 0) == 0 || unit == "h" || unit == "hrs") return n + "h";
    if (unit.rfind("day", 0) == 0) return n + "d";
    if (unit.rfind("week", 0) == 0) return std::to_string(std::stoi(n) * 7) + "d";
  }
  for (const auto& w : words) {
    if (w.lower == "today") return "24h";
    if (w.lower == "yesterday") return "48h";
  }
  return "";
}

}  // namespace

QuestionSlots extract_slots(std::string_view question) {
  QuestionSlots s;
  analysis::Indicators ind;
  analysis::IocExtractor{}.scan(question, ind);
  if (!ind.ipv4.empty()) s.values["ip"] = ind.ipv4.front();
  else if (!ind.ipv6.empty()) s.values["ip"] = ind.ipv6.front();
  const std::vector<Word> words = words_of(question);
  for (const auto& d : ind.domains) {
    // "powershell.exe" is not a domain; a domain is not a process.
    bool is_process = false;
    for (const auto& w : words) is_process = is_process || (iequals(w.text, d) && looks_like_process(w));
    if (!is_process) {
      s.values["domain"] = d;
      break;
    }
  }
  if (!ind.sha256.empty()) s.values["sha256"] = ind.sha256.front();
  if (!ind.sha1.empty()) s.values["sha1"] = ind.sha1.front();
  if (!ind.md5.empty()) s.values["md5"] = ind.md5.front();
  if (!ind.file_paths.empty()) s.values["path"] = ind.file_paths.front();
  if (!ind.registry_keys.empty()) s.values["registry_key"] = ind.registry_keys.front();

  for (const auto& w : words) {
    if (looks_like_process(w)) {
      s.values["process"] = w.text;
      break;
    }
  }
  if (!s.has("process")) {
    if (auto p = after_keyword(words, {"process", "binary", "executable", "image"}); !p.empty()) s.values["process"] = p;
  }
  if (!ind.users.empty()) {
    const std::string& u = ind.users.front();
    const auto slash = u.find('\\');
    s.values["user"] = slash == std::string::npos ? u : u.substr(slash + 1);
  } else if (auto u = after_keyword(words, {"user", "username", "account"}); !u.empty()) {
    s.values["user"] = u;
  } else if (!ind.emails.empty()) {
    s.values["user"] = ind.emails.front();
  }
  if (auto h = after_keyword(words, {"host", "endpoint", "machine", "computer", "server", "workstation", "hostname"});
      !h.empty()) {
    s.values["host"] = h;
  }
  if (auto svc = after_keyword(words, {"service"}); !svc.empty()) s.values["service"] = svc;
  if (auto port = after_keyword(words, {"port"}); !port.empty() && analysis::all_digits(port) && port.size() <= 5) {
    s.values["port"] = port;
  }
  s.since = since_of(words);
  return s;
}

}  // namespace triagent::hunt
