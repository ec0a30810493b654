#pragma once
// UntrustedHash: the hash for unordered containers whose keys come from outside (log content,
// webhook fields, upstream answers). std::hash<std::string> is MurmurHash with a fixed seed: keys
// that share a bucket can be found offline by brute force, and an event batch full of them turns
// every insert into a walk of one long chain (hash flooding). This is SipHash-2-4 under one random
// key per process, so which keys collide cannot be known from outside.
//
//   UntrustedStringMap<std::size_t> index;      // find() takes a std::string_view as it is
//   index.emplace(ioc_value, 3);

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace triagent {

struct UntrustedHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const;
};

template <class Value>
using UntrustedStringMap = std::unordered_map<std::string, Value, UntrustedHash, std::equal_to<>>;
using UntrustedStringSet = std::unordered_set<std::string, UntrustedHash, std::equal_to<>>;

}  // namespace triagent
