#pragma once
// The shipper's cursor file: the seq and hash of the last record a sink acknowledged, one JSON
// line {"hash":"<64 hex>","seq":N}. Written whole to a temporary file, fsync'ed, renamed over the
// old one and the directory synced, so after any crash the file holds the old or the new cursor.
//
//   auto c = load_ship_cursor(path);          // nullopt: nothing shipped yet
//   store_ship_cursor(path, {.seq = 42, .hash = record.hash});

#include <cstdint>
#include <optional>
#include <string>

#include "triagent/core/result.hpp"

namespace triagent::audit {

struct ShipCursor {
  std::int64_t seq = 0;
  std::string hash;
};

// nullopt when the file does not exist; unavailable when it cannot be read or is not a cursor.
Result<std::optional<ShipCursor>> load_ship_cursor(const std::string& path);

// Durable on success (file and directory synced); on failure the old cursor is intact.
Result<void> store_ship_cursor(const std::string& path, const ShipCursor& cursor);

}  // namespace triagent::audit
