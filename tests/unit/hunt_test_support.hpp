#pragma once
// Shared fixtures of the hunt tests: the shipped field catalogue and template library, and a small
// coroutine runner.
//
//   const auto& cat = hunt_test::catalogue();
//   auto v = validate_power_query("src.process.name = 'x'", HuntPolicy{}, cat);

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <string>

#include "triagent/hunt/field_catalogue.hpp"

namespace triagent::hunt_test {

inline std::string source_path(const std::string& relative) { return std::string(TRIAGENT_SOURCE_DIR) + "/" + relative; }

inline const hunt::FieldCatalogue& catalogue() {
  static const hunt::FieldCatalogue cat = [] {
    auto c = hunt::FieldCatalogue::load_file(source_path("config/hunt/fields.yaml"));
    if (!c) throw std::runtime_error(c.error().message);
    return std::move(*c);
  }();
  return cat;
}

// Runs one coroutine to completion on `io`.
template <class T>
T run_coro(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
  std::optional<T> out;
  auto body = [&out, t = std::move(task)]() mutable -> boost::asio::awaitable<void> { out.emplace(co_await std::move(t)); };
  boost::asio::co_spawn(io, body(), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  io.restart();
  return std::move(*out);
}

}  // namespace triagent::hunt_test
