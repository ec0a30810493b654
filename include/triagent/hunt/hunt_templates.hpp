#pragma once
// HuntTemplates: the template library that answers common questions without an LLM (and gives the
// LLM its examples). Each template has question patterns (phrases; the template with the most
// phrases found in the question wins), slots it needs, optional filters added when a slot is
// filled, and query text with {slot} placeholders. Slot values are inserted only as quoted string
// literals (quote_pq_string), never as query syntax; a value with control characters is refused.
//
//   auto lib = HuntTemplates::load_file("config/hunt/templates.yaml");
//   std::optional<TemplateMatch> m = lib->match("failed logins for user jsmith");
//   m->template_id == "failed_logins";  m->query == "event.type = \"Login\" ... event.login.userName = \"jsmith\" ...";
//
// File format (config/hunt/templates.yaml):
//   templates:
//     - id: failed_logins
//       title: Failed logins
//       patterns: ["failed login", "brute force"]
//       required: []                 # every slot listed must be found
//       required_any: []             # at least one of these must be found
//       query: 'event.type = "Login" event.login.loginIsSuccessful = false'
//       optional: {user: 'event.login.userName = {user}', ip: 'src.ip.address = {ip}'}
//       tail: '| group fails = count() by endpoint.name | sort -fails'

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/result.hpp"
#include "triagent/hunt/question_slots.hpp"

namespace triagent::hunt {

struct HuntTemplate {
  std::string id;
  std::string title;
  std::vector<std::string> patterns;  // lower case
  std::vector<std::string> required;
  std::vector<std::string> required_any;
  std::string query;
  std::vector<std::pair<std::string, std::string>> optional;  // slot -> filter fragment, in file order
  std::string tail;
  std::string example_question;  // shown to the LLM with the rendered query
};

struct TemplateMatch {
  std::string template_id;
  std::string title;
  std::string query;  // rendered, not yet validated
  std::map<std::string, std::string> slots;  // the slots used
  int score = 0;
};

class HuntTemplates {
 public:
  static Result<HuntTemplates> load_file(const std::string& path);
  static Result<HuntTemplates> load_text(std::string_view yaml, const std::string& source_name);

  // The best template for the question, rendered; nullopt when none fits.
  std::optional<TemplateMatch> match(std::string_view question) const;
  std::optional<TemplateMatch> match(std::string_view question, const QuestionSlots& slots) const;
  // Renders one template with the given slots; invalid_argument when a needed slot is missing or
  // a value cannot be quoted.
  Result<std::string> render(const HuntTemplate& t, const std::map<std::string, std::string>& slots) const;

  const std::vector<HuntTemplate>& templates() const { return templates_; }
  const HuntTemplate* find(std::string_view id) const;

 private:
  std::vector<HuntTemplate> templates_;
};

}  // namespace triagent::hunt
