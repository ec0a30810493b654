#include "triagent/analysis/prompt_template.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <sstream>

#include "prompt_sha256.hpp"
#include "triagent/analysis/prompt_evidence.hpp"
#include "triagent/analysis/text_util.hpp"
#include "triagent/core/json_safety.hpp"

namespace triagent::analysis {
namespace {

using Values = std::map<std::string_view, std::string, std::less<>>;

constexpr std::size_t kMaxFileBytes = 1 << 20;
constexpr std::size_t kMaxPreviousAnswerBytes = 32 << 10;

struct Part {
  const char* role;
  std::vector<std::string_view> allowed;
  std::vector<std::string_view> required;
};

const Part kSystem{"system", {"schema", "allowed_actions"}, {"schema"}};
const Part kUser{"user",
                 {"incident", "evidence", "evidence_count", "evidence_ids", "queries_run", "degraded_sources"},
                 {"evidence"}};
const Part kRepair{"repair",
                   {"previous_answer", "validation_errors", "evidence_ids", "allowed_actions"},
                   {"previous_answer", "validation_errors"}};

bool is_placeholder_char(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

// Calls fn(name, begin, end) for each {{name}} in `text`, in order; other braces are text.
template <class Fn>
void for_each_placeholder(std::string_view text, Fn&& fn) {
  for (std::size_t open = text.find("{{"); open != std::string_view::npos; open = text.find("{{", open + 1)) {
    std::size_t k = open + 2;
    while (k < text.size() && is_placeholder_char(text[k])) ++k;
    if (k == open + 2 || text.substr(k, 2) != "}}") continue;
    fn(text.substr(open + 2, k - open - 2), open, k + 2);
    open = k + 1;
  }
}

Result<void> check_part(const Part& part, std::string_view text) {
  std::string error;
  std::vector<std::string_view> seen;
  for_each_placeholder(text, [&](std::string_view name, std::size_t, std::size_t) {
    seen.push_back(name);
    if (error.empty() && std::find(part.allowed.begin(), part.allowed.end(), name) == part.allowed.end()) {
      error = std::string(part.role) + " template: unknown placeholder {{" + std::string(name) + "}}";
    }
  });
  if (!error.empty()) return make_error(ErrorCode::invalid_argument, error);
  for (auto name : part.required) {
    if (std::find(seen.begin(), seen.end(), name) == seen.end()) {
      return make_error(ErrorCode::invalid_argument,
                        std::string(part.role) + " template: missing placeholder {{" + std::string(name) + "}}");
    }
  }
  return {};
}

// One pass: replaced values are never scanned again, so data cannot expand a placeholder.
std::string substitute(std::string_view text, const Values& values) {
  std::string out;
  std::size_t copied = 0;
  for_each_placeholder(text, [&](std::string_view name, std::size_t begin, std::size_t end) {
    out.append(text.substr(copied, begin - copied));
    auto it = values.find(name);
    out.append(it == values.end() ? std::string_view{} : std::string_view(it->second));
    copied = end;
  });
  out.append(text.substr(copied));
  return out;
}

bool valid_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-'; });
}

bool valid_version(std::string_view s) { return s.size() >= 2 && s.size() <= 16 && s[0] == 'v' && all_digits(s.substr(1)); }

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::not_found, "prompt file " + path + " cannot be read");
  std::string text;
  std::array<char, 8192> buf{};
  while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
    text.append(buf.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) return make_error(ErrorCode::invalid_argument, "prompt file " + path + " is over 1 MiB");
  }
  return text;
}

std::string joined(const std::vector<std::string>& list, std::string_view sep, std::string_view empty) {
  if (list.empty()) return std::string(empty);
  std::string out;
  for (const auto& s : list) {
    if (!out.empty()) out.append(sep);
    out.append(s);
  }
  return out;
}

std::string bullet_list(const std::vector<std::string>& lines) {
  if (lines.empty()) return "(none)";
  std::string out;
  for (const auto& l : lines) {
    if (!out.empty()) out.push_back('\n');
    out.append("- ");
    out.append(neutralize_untrusted(l));
  }
  return out;
}

std::string evidence_ids(const EvidencePack& pack) {
  // The packer numbers items ev-1..ev-N; a range says the same as the list in far fewer tokens.
  bool numbered = pack.items.size() > 3;
  for (std::size_t i = 0; numbered && i < pack.items.size(); ++i) {
    numbered = pack.items[i].id == "ev-" + std::to_string(i + 1);
  }
  if (numbered) return "ev-1 to ev-" + std::to_string(pack.items.size()) + " (every id in that range)";
  std::vector<std::string> ids;
  for (const auto& item : pack.items) ids.push_back(item.id);
  return neutralize_untrusted(joined(ids, ", ", "(none)"));
}

std::string allowed_actions(const ActionPolicy& policy) {
  return joined(policy.names(), ", ", "none (leave recommended_actions empty)");
}

}  // namespace

Result<PromptTemplate> PromptTemplate::from_texts(std::string_view id, PromptTexts texts) {
  const auto at = id.find('@');
  if (at == std::string_view::npos || !valid_name(id.substr(0, at)) || !valid_version(id.substr(at + 1))) {
    return make_error(ErrorCode::invalid_argument, "prompt id must be <name>@v<N>, got '" + std::string(id.substr(0, 80)) + "'");
  }
  for (const auto& [part, text] : {std::pair{&kSystem, &texts.system}, {&kUser, &texts.user}, {&kRepair, &texts.repair}}) {
    auto ok = check_part(*part, *text);
    if (!ok) return ok.error();
  }
  auto schema = parse_untrusted_json(texts.schema);
  if (!schema) return make_error(ErrorCode::invalid_argument, "output schema: " + schema.error().message);
  if (!schema->is_object() || schema->value("type", "") != "object") {
    return make_error(ErrorCode::invalid_argument, "output schema: not a JSON Schema of an object");
  }
  PromptTemplate t;
  t.id_ = std::string(id);
  t.name_ = std::string(id.substr(0, at));
  t.version_ = std::string(id.substr(at + 1));
  std::string framed = "triagent-prompt\n" + t.id_ + "\n";
  for (const auto& [role, text] : {std::pair{"system", &texts.system}, {"user", &texts.user}, {"repair", &texts.repair},
                                   {"schema", &texts.schema}}) {
    framed += std::string(role) + " " + std::to_string(text->size()) + "\n" + *text + "\n";
  }
  t.sha256_ = sha256_hex(framed);
  t.schema_ = std::move(*schema);
  t.schema_compact_ = t.schema_.dump();
  t.texts_ = std::move(texts);
  return t;
}

Result<PromptTemplate> PromptTemplate::load(const std::string& directory, std::string_view id) {
  const auto at = id.find('@');
  if (at == std::string_view::npos) return from_texts(id, {});  // reports the malformed id
  const std::string name(id.substr(0, at)), version(id.substr(at + 1));
  if (!valid_name(name) || !valid_version(version)) return from_texts(id, {});
  const std::string base = directory + "/" + name + "." + version;
  PromptTexts texts;
  for (const auto& [path, out] : {std::pair{base + ".system.txt", &texts.system}, {base + ".user.txt", &texts.user},
                                  {base + ".repair.txt", &texts.repair},
                                  {directory + "/" + name + "_output.schema.json", &texts.schema}}) {
    auto text = read_file(path);
    if (!text) return text.error();
    *out = std::move(*text);
  }
  return from_texts(id, std::move(texts));
}

RenderedPrompt PromptTemplate::render(const EvidencePack& pack, const ActionPolicy& policy) const {
  std::string incident = "title: " + neutralize_untrusted(pack.title) + "\nkind: " + neutralize_untrusted(pack.kind) +
                         "\nseverity: " + to_string(pack.severity);
  const EvidenceDefaults usual = common_host_and_user(pack);
  if (!usual.host.empty()) incident += "\nhost (of every item that names no other): " + neutralize_untrusted(usual.host);
  if (!usual.user.empty()) incident += "\nuser (of every item that names no other): " + neutralize_untrusted(usual.user);
  std::string evidence;
  for (const auto& item : pack.items) {
    if (!evidence.empty()) evidence.push_back('\n');
    evidence.append(render_evidence_item(item, usual));
  }
  std::vector<std::string> degraded;
  for (const auto& d : pack.degraded_sources) degraded.push_back(d.name + ": " + d.reason);

  RenderedPrompt out;
  out.system = substitute(texts_.system, {{"schema", schema_compact_}, {"allowed_actions", allowed_actions(policy)}});
  out.user = substitute(texts_.user, {{"incident", std::move(incident)},
                                      {"evidence", evidence.empty() ? "(no evidence items)" : std::move(evidence)},
                                      {"evidence_count", std::to_string(pack.items.size())},
                                      {"evidence_ids", evidence_ids(pack)},
                                      {"queries_run", bullet_list(pack.queries_run)},
                                      {"degraded_sources", bullet_list(degraded)}});
  return out;
}

std::string PromptTemplate::render_repair(std::string_view previous_answer, const std::vector<std::string>& errors,
                                          const EvidencePack& pack, const ActionPolicy& policy) const {
  std::string previous;
  if (previous_answer.size() > kMaxPreviousAnswerBytes) {
    std::size_t cut = kMaxPreviousAnswerBytes;
    while (cut > 0 && (static_cast<unsigned char>(previous_answer[cut]) & 0xC0) == 0x80) --cut;
    previous = neutralize_untrusted(previous_answer.substr(0, cut)) + "\n[answer cut: " +
               std::to_string(previous_answer.size()) + " bytes in all]";
  } else {
    previous = neutralize_untrusted(previous_answer);
  }
  return substitute(texts_.repair, {{"previous_answer", std::move(previous)},
                                    {"validation_errors", bullet_list(errors)},
                                    {"evidence_ids", evidence_ids(pack)},
                                    {"allowed_actions", allowed_actions(policy)}});
}

}  // namespace triagent::analysis
