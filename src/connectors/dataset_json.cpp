#include "connectors/dataset_json.hpp"

#include <charconv>
#include <cmath>

namespace triagent::dataset {

namespace {

using nlohmann::json;

const json& empty_array() {
  static const json empty = json::array();
  return empty;
}

const json& array_or_empty(const json* v) { return (v != nullptr && v->is_array()) ? *v : empty_array(); }

// Warnings arrive as strings; anything else is kept as its JSON text rather than lost.
std::vector<std::string> read_warnings(const json* v) {
  std::vector<std::string> out;
  for (const json& w : array_or_empty(v)) {
    if (w.is_string()) {
      out.push_back(w.get<std::string>());
    } else if (std::string m = text(member(w, "message")); !m.empty()) {
      out.push_back(std::move(m));
    } else {
      out.push_back(w.dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }
  return out;
}

DataSetColumn read_column(const json& c) {
  DataSetColumn column;
  if (c.is_string()) {
    column.name = c.get<std::string>();
    return column;
  }
  column.name = text(member(c, "name"));
  column.cell_type = text(member(c, "cellType"));
  std::int64_t places = integer(member(c, "decimalPlaces")).value_or(-1);
  if (places >= 0 && places <= 64) column.decimal_places = static_cast<int>(places);
  return column;
}

int read_severity(const json* v) {
  std::int64_t sev = integer(v).value_or(3);
  return (sev >= 0 && sev <= 6) ? static_cast<int>(sev) : 3;
}

json object_or_empty(const json* v) { return (v != nullptr && v->is_object()) ? *v : json::object(); }

}  // namespace

const json* member(const json* j, std::string_view key) {
  if (j == nullptr || !j->is_object()) return nullptr;
  auto it = j->find(key);
  return it == j->end() ? nullptr : &*it;
}

std::string text(const json* v) { return (v != nullptr && v->is_string()) ? v->get<std::string>() : std::string(); }

std::optional<std::int64_t> integer(const json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (v->is_number_unsigned()) {
    auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v->is_number_float()) {
    double d = v->get<double>();
    // Past +-9.2e18 the conversion to int64 would overflow (undefined behaviour).
    if (!std::isfinite(d) || std::fabs(d) > 9.2e18) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(d));
  }
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    std::int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return out;
  }
  return std::nullopt;
}

DataSetTable read_table(const json& answer, int max_rows) {
  DataSetTable table;
  for (const json& c : array_or_empty(member(answer, "columns"))) table.columns.push_back(read_column(c));
  std::size_t dropped = 0;
  for (const json& row : array_or_empty(member(answer, "values"))) {
    if (!row.is_array()) {
      ++dropped;
      continue;
    }
    if (static_cast<int>(table.rows.size()) >= max_rows) {
      table.truncated = true;
      break;
    }
    table.rows.emplace_back(row.begin(), row.end());
  }
  table.matching_events = integer(member(answer, "matchingEvents")).value_or(integer(member(answer, "matchCount")).value_or(0));
  table.omitted_events = integer(member(answer, "omittedEvents")).value_or(0);
  const json* partial = member(answer, "partialResultsDueToTimeLimit");
  table.partial = partial != nullptr && partial->is_boolean() && partial->get<bool>();
  table.warnings = read_warnings(member(answer, "warnings"));
  if (dropped > 0) table.warnings.push_back(std::to_string(dropped) + " malformed row(s) dropped by triagent");
  return table;
}

DataSetLogResult read_log_result(json&& answer, int max_rows) {
  DataSetLogResult result;
  const json* sessions = member(answer, "sessions");
  json* matches = answer.is_object() ? &answer["matches"] : nullptr;
  if (matches == nullptr || !matches->is_array()) {
    result.continuation_token = text(member(answer, "continuationToken"));
    return result;
  }
  for (json& m : *matches) {
    if (!m.is_object()) continue;
    if (static_cast<int>(result.events.size()) >= max_rows) break;
    DataSetLogEvent e;
    e.timestamp_ns = integer(member(m, "timestamp")).value_or(0);
    e.message = text(member(m, "message"));
    e.severity = read_severity(member(m, "severity"));
    e.thread = text(member(m, "thread"));
    e.session = text(member(m, "session"));
    if (json* attrs = &m["attributes"]; attrs->is_object()) {
      e.attributes = std::move(*attrs);
    } else {
      e.attributes = json::object();
    }
    if (!e.session.empty()) e.session_attributes = object_or_empty(member(sessions, e.session));
    result.events.push_back(std::move(e));
  }
  result.continuation_token = text(member(answer, "continuationToken"));
  return result;
}

}  // namespace triagent::dataset
