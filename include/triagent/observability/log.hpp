#pragma once
// Structured logging: one JSON object per line on stderr, with the fields
// ts, level, logger, msg, trace_id, job_id (and any extra fields a call adds).
//
// spdlog 1.10 has no MDC and thread-locals do not survive co_await, so the context travels
// explicitly in LogContext. Never pass a secret or a request body into a log call.
//
//   log::info("ingress", "webhook accepted", {.trace_id = t.trace_id, .job_id = "42"},
//             {{"source", "dataset"}});

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace triagent::log {

enum class Level { trace, debug, info, warn, error, critical, off };

struct LogContext {
  std::string_view trace_id = {};
  std::string_view job_id = {};
};

// Parses "trace".."off"; false for anything else.
bool parse_level(std::string_view text, Level& out);

// Sets up the process logger (stderr, JSON lines). Safe to call again to change the level.
void init(Level level);
void set_level(Level level);
bool enabled(Level level);

void write(Level level, std::string_view logger, std::string_view msg, const LogContext& ctx = {},
           const nlohmann::json& extra = nullptr);

// Renders one line without writing it (tests assert on this).
std::string format_line(std::int64_t epoch_ms, Level level, std::string_view logger, std::string_view msg,
                        const LogContext& ctx, const nlohmann::json& extra);

inline void debug(std::string_view logger, std::string_view msg, const LogContext& ctx = {},
                  const nlohmann::json& extra = nullptr) {
  if (enabled(Level::debug)) write(Level::debug, logger, msg, ctx, extra);
}
inline void info(std::string_view logger, std::string_view msg, const LogContext& ctx = {},
                 const nlohmann::json& extra = nullptr) {
  if (enabled(Level::info)) write(Level::info, logger, msg, ctx, extra);
}
inline void warn(std::string_view logger, std::string_view msg, const LogContext& ctx = {},
                 const nlohmann::json& extra = nullptr) {
  if (enabled(Level::warn)) write(Level::warn, logger, msg, ctx, extra);
}
inline void error(std::string_view logger, std::string_view msg, const LogContext& ctx = {},
                  const nlohmann::json& extra = nullptr) {
  if (enabled(Level::error)) write(Level::error, logger, msg, ctx, extra);
}

}  // namespace triagent::log
