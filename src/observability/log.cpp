#include "triagent/observability/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

#include "triagent/core/clock.hpp"

namespace triagent::log {

namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};

const char* level_name(Level l) {
  switch (l) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
    case Level::critical: return "critical";
    case Level::off: return "off";
  }
  return "info";
}

std::shared_ptr<spdlog::logger> make_logger() {
  // The line is already JSON; spdlog only adds the newline and serialises writers.
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("triagent", sink);
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::trace);
  return logger;
}

spdlog::logger& process_logger() {
  static std::shared_ptr<spdlog::logger> logger = make_logger();
  return *logger;
}

}  // namespace

bool parse_level(std::string_view text, Level& out) {
  for (Level l : {Level::trace, Level::debug, Level::info, Level::warn, Level::error, Level::critical, Level::off}) {
    if (text == level_name(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

void init(Level level) {
  process_logger();
  set_level(level);
}

void set_level(Level level) { g_level.store(static_cast<int>(level)); }

bool enabled(Level level) { return level != Level::off && static_cast<int>(level) >= g_level.load(); }

std::string format_line(std::int64_t epoch_ms, Level level, std::string_view logger, std::string_view msg,
                        const LogContext& ctx, const nlohmann::json& extra) {
  nlohmann::json line = nlohmann::json::object();
  line["ts"] = format_rfc3339_ms(epoch_ms);
  line["level"] = level_name(level);
  line["logger"] = logger;
  line["msg"] = msg;
  if (!ctx.trace_id.empty()) line["trace_id"] = ctx.trace_id;
  if (!ctx.job_id.empty()) line["job_id"] = ctx.job_id;
  if (extra.is_object()) {
    for (const auto& [k, v] : extra.items()) {
      if (!line.contains(k)) line[k] = v;
    }
  }
  // replace: a log line must never throw on invalid UTF-8 coming from untrusted input.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write(Level level, std::string_view logger, std::string_view msg, const LogContext& ctx,
           const nlohmann::json& extra) {
  try {
    std::string line = format_line(SystemClock::instance().now_ms(), level, logger, msg, ctx, extra);
    process_logger().log(spdlog::level::info, line);
  } catch (...) {
    // Logging never takes the daemon down.
  }
}

}  // namespace triagent::log
