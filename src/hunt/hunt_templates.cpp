// Template library loading, matching and rendering (see hunt_templates.hpp).
#include "triagent/hunt/hunt_templates.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "triagent/analysis/text_util.hpp"
#include "triagent/hunt/power_query_printer.hpp"

namespace triagent::hunt {

namespace {

std::vector<std::string> string_list(const YAML::Node& n, bool lower) {
  std::vector<std::string> out;
  if (!n) return out;
  if (!n.IsSequence()) throw YAML::Exception(n.Mark(), "expected a list of strings");
  for (const auto& item : n) out.push_back(lower ? analysis::to_lower(item.as<std::string>()) : item.as<std::string>());
  return out;
}

// Slot values become string literals; control characters (and overlong values) are refused rather
// than escaped, since no analyst types them and they make audit lines misleading.
Result<std::string> quoted_slot(std::string_view value) {
  if (value.empty() || value.size() > 512) return Error(ErrorCode::invalid_argument, "slot value empty or too long");
  for (char c : value) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f) return Error(ErrorCode::invalid_argument, "slot value holds a control character");
  }
  return quote_pq_string(value);
}

// Replaces every {name} with the quoted slot value.
Result<std::string> fill(std::string_view text, const std::map<std::string, std::string>& slots) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '{') {
      out.push_back(text[i++]);
      continue;
    }
    const std::size_t close = text.find('}', i);
    if (close == std::string_view::npos) return Error(ErrorCode::invalid_argument, "unclosed '{' in template");
    const std::string name(text.substr(i + 1, close - i - 1));
    auto it = slots.find(name);
    if (it == slots.end()) return Error(ErrorCode::invalid_argument, "slot '" + name + "' is not filled");
    auto q = quoted_slot(it->second);
    if (!q) return q.error();
    out += *q;
    i = close + 1;
  }
  return out;
}

}  // namespace

Result<HuntTemplates> HuntTemplates::load_text(std::string_view yaml, const std::string& source_name) {
  HuntTemplates lib;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    YAML::Node list = root["templates"];
    if (!list || !list.IsSequence()) return Error(ErrorCode::invalid_argument, source_name + ": expected a 'templates' list");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node n = list[i];
      const std::string where = source_name + ": templates[" + std::to_string(i) + "]";
      HuntTemplate t;
      if (!n["id"] || !n["query"]) return Error(ErrorCode::invalid_argument, where + ": id and query are required");
      t.id = n["id"].as<std::string>();
      if (!ids.insert(t.id).second) return Error(ErrorCode::invalid_argument, where + ": duplicate id '" + t.id + "'");
      t.title = n["title"] ? n["title"].as<std::string>() : t.id;
      t.patterns = string_list(n["patterns"], true);
      t.required = string_list(n["required"], false);
      t.required_any = string_list(n["required_any"], false);
      t.query = n["query"].as<std::string>();
      t.tail = n["tail"] ? n["tail"].as<std::string>() : "";
      t.example_question = n["example"] ? n["example"].as<std::string>() : "";
      if (const YAML::Node opt = n["optional"]) {
        if (!opt.IsMap()) return Error(ErrorCode::invalid_argument, where + ".optional: expected a map slot -> filter");
        for (const auto& kv : opt) t.optional.emplace_back(kv.first.as<std::string>(), kv.second.as<std::string>());
      }
      if (t.patterns.empty()) return Error(ErrorCode::invalid_argument, where + ".patterns: at least one phrase");
      lib.templates_.push_back(std::move(t));
    }
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::invalid_argument, source_name + ": " + e.what());
  }
  return lib;
}

Result<HuntTemplates> HuntTemplates::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::not_found, path + ": cannot open the template library");
  std::stringstream buf;
  buf << in.rdbuf();
  return load_text(buf.str(), path);
}

const HuntTemplate* HuntTemplates::find(std::string_view id) const {
  for (const auto& t : templates_) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

Result<std::string> HuntTemplates::render(const HuntTemplate& t, const std::map<std::string, std::string>& slots) const {
  auto base = fill(t.query, slots);
  if (!base) return base.error();
  std::string q = *base;
  for (const auto& [slot, fragment] : t.optional) {
    if (!slots.count(slot)) continue;
    auto f = fill(fragment, slots);
    if (!f) return f.error();
    q += " " + *f;
  }
  if (!t.tail.empty()) q += " " + t.tail;
  return q;
}

std::optional<TemplateMatch> HuntTemplates::match(std::string_view question) const {
  return match(question, extract_slots(question));
}

std::optional<TemplateMatch> HuntTemplates::match(std::string_view question, const QuestionSlots& slots) const {
  const std::string q = analysis::to_lower(question);
  std::optional<TemplateMatch> best;
  for (const auto& t : templates_) {
    int score = 0;
    for (const auto& p : t.patterns) {
      if (q.find(p) != std::string::npos) score += 1 + static_cast<int>(p.size() / 8);  // longer phrases say more
    }
    if (score == 0) continue;
    bool ok = true;
    for (const auto& r : t.required) ok = ok && slots.has(r);
    if (!t.required_any.empty()) {
      bool any = false;
      for (const auto& r : t.required_any) any = any || slots.has(r);
      ok = ok && any;
    }
    if (!ok) continue;
    // Filled slots the template can use also count: "connections to 1.2.3.4" prefers the template
    // that takes an ip.
    std::map<std::string, std::string> used;
    for (const auto& [name, value] : slots.values) {
      const bool in_query = t.query.find("{" + name + "}") != std::string::npos;
      bool in_optional = false;
      for (const auto& o : t.optional) in_optional = in_optional || o.first == name;
      if (in_query || in_optional) {
        used[name] = value;
        score += 1;
      }
    }
    if (best && score <= best->score) continue;
    auto rendered = render(t, used);
    if (!rendered) continue;
    best = TemplateMatch{t.id, t.title, *rendered, used, score};
  }
  return best;
}

}  // namespace triagent::hunt
