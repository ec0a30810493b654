#pragma once
// The small readers the output validator is made of: each checks one JSON value against one rule
// of the schema and, when it fails, records an error that starts with the value's JSON pointer.
// Every message quotes what the model sent only in a bounded, printable form, because the errors
// go back to the model in the repair prompt and into the audit record.
//
//   Checks c(result.errors, result.notes);
//   std::string summary;
//   c.string_value(j["summary"], "/summary", 1, AnalysisOutputLimits::summary_chars, summary);

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace triagent::analysis {

// `s` for a message: as it is when it is a plain token ([A-Za-z0-9._:-], e.g. T9999), else quoted,
// with control characters replaced, cut to `max` bytes on a UTF-8 boundary.
std::string shown(std::string_view s, std::size_t max = 64);
// A JSON pointer segment for an object key ("~" -> "~0", "/" -> "~1"), bounded for messages.
std::string pointer_segment(std::string_view key);

class Checks {
 public:
  Checks(std::vector<std::string>& errors, std::vector<std::string>& notes, std::size_t max_errors)
      : errors_(errors), notes_(notes), max_errors_(max_errors) {}

  void error(const std::string& path, std::string_view what);
  void note(const std::string& path, std::string_view what);
  std::size_t error_count() const { return count_; }

  // An object holding only `allowed` keys (others are errors) and all `required` ones.
  bool object_value(const nlohmann::json& v, const std::string& path, const std::vector<std::string_view>& allowed,
                    const std::vector<std::string_view>& required);
  bool string_value(const nlohmann::json& v, const std::string& path, std::size_t min_chars, std::size_t max_chars,
                    std::string& out);
  bool integer_value(const nlohmann::json& v, const std::string& path, std::int64_t min, std::int64_t max, int& out);
  bool number_value(const nlohmann::json& v, const std::string& path, double min, double max, double& out);
  // An array of at most max_items (items past it are not read, so work stays bounded).
  bool array_value(const nlohmann::json& v, const std::string& path, std::size_t max_items);
  // A list of evidence ids, each one in `known`; duplicates are dropped.
  bool evidence_ids(const nlohmann::json& v, const std::string& path, const std::set<std::string, std::less<>>& known,
                    std::size_t min_items, std::size_t max_items, std::vector<std::string>& out);

 private:
  std::vector<std::string>& errors_;
  std::vector<std::string>& notes_;
  std::size_t max_errors_;
  std::size_t count_ = 0;
};

}  // namespace triagent::analysis
