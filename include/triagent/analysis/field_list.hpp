#pragma once
// FieldList: the flat fields of one parsed event (dotted key path -> scalar text), reused across
// events so parsing a stream does not allocate once the buffers have grown.
//
//   FieldList fields;
//   fields.add("Event.EventData.Image", "C:\\Windows\\System32\\cmd.exe");
//   const std::string* image = fields.find("Image");   // leaf names match too, case-insensitively
//   fields.clear();                                     // keeps the capacity for the next event

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "triagent/analysis/field_name_hash.hpp"

namespace triagent::analysis {

// A field name written in the source, hashed (FieldList::name_hash) at compile time: the log-type
// probes and the analyzer look up dozens of names by literal for every event.
struct FieldName {
  template <std::size_t N>
  consteval FieldName(const char (&literal)[N]) : text(literal, N - 1), hash(field_name_hash(text)) {}
  std::string_view text;
  std::uint64_t hash;
};

struct Field {
  std::string key;    // full dotted path, e.g. "Event.System.EventID"
  std::string value;  // scalar as text (numbers and booleans as written)
};

class FieldList {
 public:
  void clear() {
    size_ = 0;
    lowered_count_ = 0;
    hashed_ = 0;
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Field& operator[](std::size_t i) const { return items_[i]; }
  const Field* begin() const { return items_.data(); }
  const Field* end() const { return items_.data() + size_; }

  // Appends a field and returns its value so a parser can fill it in place.
  std::string& add(std::string_view key, std::string_view value = {});
  // Replaces the value of `key` (exact, case-insensitive) or adds it.
  void set(std::string_view key, std::string_view value);

  // The text the fields are parsed from (a log line): a value passed to add() or set() as a view
  // into it is remembered as a piece of it, so that value_in_source() can say which values a
  // search of the source alone would miss (the rest were unescaped, joined or rewritten). Kept
  // across clear(), as parsers clear the list between attempts on the same line; reset it for the
  // next line (ParsedEvent::clear() does). The source must outlive its use.
  void set_source(std::string_view source) { source_ = source; }
  // Whether field i's value is, byte for byte, the piece of the source it was added as (false
  // when it was built some other way, or changed through add()'s returned reference since).
  bool value_in_source(std::size_t i) const {
    const std::size_t at = source_at_[i];
    const std::string& v = items_[i].value;
    return at != kNotInSource && at + v.size() <= source_.size() &&
           std::string_view(v) == source_.substr(at, v.size()) && v.size() == source_size_[i];
  }

  // First value whose full key equals `name` (case-insensitive); when `name` has no dot, also the
  // first whose last path element equals it. nullptr when absent.
  const std::string* find(FieldName name) const { return find_hashed(name.text, name.hash); }
  template <class Name>
    requires(std::is_convertible_v<const Name&, std::string_view> && !std::is_array_v<Name>)
  const std::string* find(const Name& name) const {  // a name known only at run time
    const std::string_view text = name;
    return find_hashed(text, name_hash(text));
  }
  // find() for a name whose name_hash() is known.
  const std::string* find_hashed(std::string_view name, std::uint64_t hash) const;

  // Calls fn(value) for every field matching `name` as find() does (arrays repeat a key).
  template <class Fn>
  void for_each(std::string_view name, Fn&& fn) const {
    for (std::size_t i = 0; i < size_; ++i) {
      if (key_matches(items_[i].key, name)) fn(items_[i].value);
    }
  }
  // Same, with the index (for lowered()).
  template <class Fn>
  void for_each_index(std::string_view name, Fn&& fn) const {
    for (std::size_t i = 0; i < size_; ++i) {
      if (key_matches(items_[i].key, name)) fn(i);
    }
  }

  // Hash of a field name as for_each_hashed() expects it (case-insensitive). Eight bytes per step,
  // ASCII-lower-cased together (field_name_hash.hpp); constexpr, so the names the analyzer looks up
  // by literal are hashed at compile time.
  static constexpr std::uint64_t name_hash(std::string_view name) { return field_name_hash(name); }

  // for_each_index() for a name whose name_hash() was computed once (rules do this at load).
  template <class Fn>
  void for_each_hashed(std::string_view name, std::uint64_t hash, Fn&& fn) const {
    ensure_hashes();
    if (!may_hold(hash)) return;
    const bool dotted = name.find('.') != std::string_view::npos;
    for (std::size_t i = 0; i < size_; ++i) {
      if (key_hash_[i] == hash || (!dotted && leaf_hash_[i] == hash)) {
        if (key_matches(items_[i].key, name)) fn(i);
      }
    }
  }

  // The ASCII-lower-cased value of field i, computed once per event on first use, so rules can
  // search case-insensitively with a linear-time memmem.
  std::string_view lowered(std::size_t i) const;

  static bool key_matches(std::string_view key, std::string_view name);

  // name_hash() of field i's last path element, so callers can test a field against a list of
  // leaf names with integer compares before any string compare.
  std::uint64_t leaf_hash(std::size_t i) const {
    ensure_hashes();
    return leaf_hash_[i];
  }

 private:
  std::vector<Field> items_;
  std::size_t size_ = 0;
  void ensure_hashes() const;
  // Whether some key or leaf name of the hashed fields may have this hash (no false negatives).
  bool may_hold(std::uint64_t hash) const { return (present_[hash >> 61] >> ((hash >> 55) & 63)) & 1; }
  // Per slot of items_, kept across clear(): a slot's hashes are those of its key unless
  // key_changed_ says the key was rewritten since they were computed.
  mutable std::vector<std::uint64_t> key_hash_, leaf_hash_;
  mutable std::vector<char> key_changed_;
  // Per slot: where its value was found in source_ and its size then (kNotInSource: not a piece).
  static constexpr std::size_t kNotInSource = static_cast<std::size_t>(-1);
  std::string_view source_;
  std::vector<std::size_t> source_at_, source_size_;
  void note_source(std::size_t i, std::string_view value);
  mutable std::size_t hashed_ = 0;  // fields this event's present_ filter covers
  // A one-hash Bloom filter over key_hash_ and leaf_hash_: most lookups (rule fields, the log-type
  // probes) name a field the event does not have, and are answered without walking the fields.
  // Indexed by the top nine bits of the hash (FNV-1a mixes its high bits best).
  mutable std::uint64_t present_[8] = {};
  mutable std::vector<std::string> lowered_;
  mutable std::vector<char> lowered_ok_;
  mutable std::size_t lowered_count_ = 0;  // how many entries of lowered_ok_ are valid for this event
};

}  // namespace triagent::analysis
