#pragma once
// Vault: the per-job map between sensitive values and their typed placeholders. The same value
// always gets the same placeholder within a job, so the LLM can still correlate ("<USER_1> logged
// on to <HOST_2>"), and the placeholders in its answer can be restored inside the trust boundary.
// Not thread-safe: one job, one vault.
//
//   Vault vault;
//   std::string p = vault.placeholder("EMAIL", "bob@example.com");   // "<EMAIL_1>"
//   vault.placeholder("EMAIL", "bob@example.com");                   // "<EMAIL_1>" again
//   std::string text = vault.restore("mail <EMAIL_1> now");          // "mail bob@example.com now"
//   bool leaked = vault.find_leak(outbound_text).has_value();        // pre-send check

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "triagent/core/untrusted_hash.hpp"

namespace triagent::privacy {

class Vault {
 public:
  // The placeholder for `value`, creating "<TAG_n>" on first sight. A value seen before under
  // another tag keeps its first placeholder (one value, one placeholder).
  const std::string& placeholder(std::string_view tag, std::string_view value);

  // The original value of a placeholder ("<EMAIL_1>"), if this vault made it.
  std::optional<std::string_view> value_of(std::string_view placeholder) const;
  std::optional<std::string_view> placeholder_of(std::string_view value) const;

  // Replaces every placeholder this vault made by its value. Placeholders are matched whole
  // ("<USER_1>" never matches inside "<USER_12>"); unknown ones are left as they are.
  std::string restore(std::string_view text) const;
  // The same over every string (keys untouched) of a JSON value, in place.
  void restore(nlohmann::json& value) const;

  // Every raw value recorded, for a leak check before anything leaves the trust boundary.
  std::vector<std::string> raw_values() const;
  // The first recorded raw value that occurs in `text` (at token boundaries), if any.
  std::optional<std::string> find_leak(std::string_view text) const;

  // The placeholder of a recorded user or host name, looked up by its lower-cased text; lets the
  // redactor replace names learned from fields wherever they recur, in one pass over a text.
  const std::string* name_placeholder(std::string_view lowered_name) const;
  bool has_names() const { return !names_.empty(); }
  // False when `name` (any case) is certainly not a recorded name; a cheap test before lower-casing
  // a copy for name_placeholder().
  bool may_hold_name(std::string_view name) const {
    if (name.empty() || !((name_lengths_ >> std::min<std::size_t>(name.size(), 63)) & 1)) return false;
    const std::size_t end_bit = name_ends_bit(name);
    return ((name_ends_[end_bit >> 6] >> (end_bit & 63)) & 1) && bloom_holds(name);
  }

  // Calls fn(value, placeholder) for every entry.
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const auto& [value, ph] : by_value_) fn(std::string_view(value), std::string_view(ph));
  }

  std::size_t size() const { return by_value_.size(); }
  bool empty() const { return by_value_.empty(); }

  // Persisted with the job so a retried job restores with the same mapping.
  nlohmann::json to_json() const;
  static Vault from_json(const nlohmann::json& j);

 private:
  // The values and names come from event content, which an attacker may write: UntrustedHash.
  UntrustedStringMap<std::string> by_value_;                     // value -> placeholder
  std::unordered_map<std::string, std::string> by_placeholder_;  // placeholder -> value
  std::map<std::string, std::size_t, std::less<>> counters_;     // tag -> last number
  UntrustedStringMap<std::string> names_;                        // lower-cased USER/HOST value -> placeholder
  void index_name(const std::string& value, const std::string& placeholder);
  // A cheap "certainly not a name" test before the map lookup: the redactor asks about every
  // name-like token of every text, and almost none are recorded names. One bit per name length
  // (capped at 63) and a 4096-bit, two-probe Bloom filter over an FNV-1a hash of the lowered name.
  std::uint64_t name_lengths_ = 0;
  std::array<std::uint64_t, 64> name_bloom_{};
  // Before hashing the whole token: one bit per (length, first byte, last byte), lower-cased,
  // which rejects most tokens with three loads once many lengths are recorded.
  std::array<std::uint64_t, 64> name_ends_{};
  static std::size_t name_ends_bit(std::string_view name) {
    // ASCII lower case by table: this runs for most name-like tokens of every text.
    static constexpr std::array<unsigned char, 256> kLow = [] {
      std::array<unsigned char, 256> t{};
      for (int c = 0; c < 256; ++c) t[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      return t;
    }();
    auto low = [](char c) { return static_cast<std::size_t>(kLow[static_cast<unsigned char>(c)]); };
    return ((low(name.front()) << 5) ^ low(name.back()) ^ (name.size() << 8)) & 4095;
  }
  bool bloom_holds(std::string_view name) const;
  static std::uint64_t name_hash(std::string_view name);  // of the ASCII-lower-cased bytes
};

}  // namespace triagent::privacy
