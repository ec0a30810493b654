#include "triagent/analysis/field_list.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>

#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis {

std::string& FieldList::add(std::string_view key, std::string_view value) {
  if (size_ == items_.size()) {
    items_.emplace_back();
    key_hash_.push_back(0);
    leaf_hash_.push_back(0);
    key_changed_.push_back(1);
    source_at_.push_back(kNotInSource);
    source_size_.push_back(0);
  }
  const std::size_t i = size_++;
  Field& f = items_[i];
  // Events of one source repeat their keys, mostly in the same order: a slot whose key is the one
  // it held for the previous event keeps that key's hashes (ensure_hashes() was 4% of classify).
  // clear() and append() rather than assign(), whose overlap handling costs a fifth of classify's
  // field copies: the slot's strings belong to no current field, so the arguments never point
  // into them.
  if (std::string_view(f.key) != key) {
    f.key.clear();
    f.key.append(key);
    key_changed_[i] = 1;
  }
  f.value.clear();
  f.value.append(value);
  note_source(i, value);
  return f.value;
}

void FieldList::note_source(std::size_t i, std::string_view value) {
  // Compared as integers: the two views may belong to unrelated objects.
  const auto v = reinterpret_cast<std::uintptr_t>(value.data());
  const auto b = reinterpret_cast<std::uintptr_t>(source_.data());
  const bool inside = !value.empty() && !source_.empty() && v >= b && v - b <= source_.size() - value.size();
  source_at_[i] = inside ? static_cast<std::size_t>(v - b) : kNotInSource;
  source_size_[i] = value.size();
}

void FieldList::set(std::string_view key, std::string_view value) {
  ensure_hashes();
  const std::uint64_t h = name_hash(key);
  for (std::size_t i = 0; i < size_; ++i) {
    if (key_hash_[i] == h && iequals(items_[i].key, key)) {
      items_[i].value.assign(value);
      note_source(i, value);
      return;
    }
  }
  add(key, value);
}

bool FieldList::key_matches(std::string_view key, std::string_view name) {
  if (iequals(key, name)) return true;
  if (name.find('.') != std::string_view::npos) return false;
  const auto dot = key.rfind('.');
  if (dot == std::string_view::npos) return false;
  return iequals(key.substr(dot + 1), name);
}

void FieldList::ensure_hashes() const {
  if (hashed_ == size_) return;
  if (hashed_ == 0) std::fill(std::begin(present_), std::end(present_), 0);
  for (std::size_t i = hashed_; i < size_; ++i) {
    if (key_changed_[i]) {
      field_key_and_leaf_hash(items_[i].key, key_hash_[i], leaf_hash_[i]);
      key_changed_[i] = 0;
    }
    const std::uint64_t h = key_hash_[i], leaf = leaf_hash_[i];
    present_[h >> 61] |= std::uint64_t{1} << ((h >> 55) & 63);
    present_[leaf >> 61] |= std::uint64_t{1} << ((leaf >> 55) & 63);
  }
  hashed_ = size_;
}

std::string_view FieldList::lowered(std::size_t i) const {
  if (lowered_ok_.size() < size_) {
    lowered_ok_.resize(size_, 0);
    lowered_.resize(size_);
  }
  if (lowered_count_ == 0) {
    // First use since clear(): every cached entry belongs to an earlier event.
    std::fill(lowered_ok_.begin(), lowered_ok_.end(), 0);
    lowered_count_ = 1;
  }
  if (!lowered_ok_[i]) {
    std::string& l = lowered_[i];
    l.assign(items_[i].value);
    for (char& c : l) c = ascii_lower(c);
    lowered_ok_[i] = 1;
  }
  return lowered_[i];
}

const std::string* FieldList::find_hashed(std::string_view name, std::uint64_t h) const {
  ensure_hashes();
  if (!may_hold(h)) return nullptr;
  // Exact keys win over leaf names, so "host" does not pick "Event.System.host" before "host".
  for (std::size_t i = 0; i < size_; ++i) {
    if (key_hash_[i] == h && iequals(items_[i].key, name)) return &items_[i].value;
  }
  if (name.find('.') != std::string_view::npos) return nullptr;
  for (std::size_t i = 0; i < size_; ++i) {
    if (leaf_hash_[i] != h) continue;
    const std::string_view key = items_[i].key;
    const auto dot = key.rfind('.');
    if (dot != std::string_view::npos && iequals(key.substr(dot + 1), name)) return &items_[i].value;
  }
  return nullptr;
}

}  // namespace triagent::analysis
