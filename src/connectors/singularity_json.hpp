#pragma once
// Reading fields out of Management API answers without trusting their types: a missing member, a
// null, a number where a string was expected all read as "absent", never as an exception.
//
//   const nlohmann::json* info = s1::member(threat, "threatInfo");
//   std::string hash = s1::text(s1::member(info, "sha1"));          // "" when absent or not text
//   std::optional<std::int64_t> n = s1::integer(s1::path(body, {"data", "affected"}));

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace triagent::s1 {

// The member `key` of an object; nullptr when `j` is null, not an object, or has no such key.
const nlohmann::json* member(const nlohmann::json* j, std::string_view key);
inline const nlohmann::json* member(const nlohmann::json& j, std::string_view key) { return member(&j, key); }

// Follows object keys one after another; nullptr as soon as one is missing.
const nlohmann::json* path(const nlohmann::json& j, std::initializer_list<std::string_view> keys);

// A string as it is, an integer in decimal; "" for anything else (null, bool, object, float).
std::string text(const nlohmann::json* v);
// The first of `candidates` whose text() is not empty; "" when none.
std::string first_text(std::initializer_list<const nlohmann::json*> candidates);

// An integer, or a string holding only a decimal integer; nullopt otherwise.
std::optional<std::int64_t> integer(const nlohmann::json* v);

// true for JSON true and the strings "true"/"True" (some fields are stringly typed); else false.
bool flag(const nlohmann::json* v);

// The texts of an array's elements that have one (see text()); empty when `v` is not an array.
std::vector<std::string> texts(const nlohmann::json* v);

// `v` when it is an array, else an empty array: for range-for over untrusted members.
const nlohmann::json& array_or_empty(const nlohmann::json* v);

// The addresses of an agent's networkInterfaces[] (inet, then inet6 of each), at most 64 interfaces.
std::vector<std::string> interface_ips(const nlohmann::json* network_interfaces);

}  // namespace triagent::s1
