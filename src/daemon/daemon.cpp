#include "daemon/daemon.hpp"

#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <csignal>
#include <boost/asio/signal_set.hpp>
#include <filesystem>
#include <ostream>
#include <thread>

#include "core/private_files.hpp"
#include "daemon/hunt_surface.hpp"
#include "daemon/operator_surface.hpp"
#include "daemon/pipeline_assembly.hpp"
#include "triagent/ingress/routes.hpp"
#include "triagent/ingress/ui_routes.hpp"
#include "triagent/net/http_server.hpp"
#include "triagent/observability/log.hpp"
#include "triagent/observability/triagent_metrics.hpp"
#include "triagent/pipeline/worker_pool.hpp"
#include "triagent/queue/sqlite_job_queue.hpp"

namespace triagent {

namespace net = boost::asio;

namespace {

constexpr int kExitUnavailable = 69;  // sysexits EX_UNAVAILABLE
constexpr int kExitConfig = 78;       // sysexits EX_CONFIG
constexpr auto kHttpDrainDeadline = std::chrono::seconds(5);

std::string lease_owner_prefix() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

// The shutdown sequence. Each step starts when the previous one has finished or timed out.
class Shutdown {
 public:
  Shutdown(net::io_context& ioc, HttpServer& server, WorkerPool& workers, JobQueue& queue, const Config& cfg)
      : ioc_(ioc), server_(server), workers_(workers), queue_(queue), cfg_(cfg) {}

  bool draining() const { return draining_.load(); }

  void begin(const char* reason) {
    if (draining_.exchange(true)) {
      log::warn("daemon", "second stop signal: exiting without waiting");
      ioc_.stop();
      return;
    }
    log::info("daemon", "shutting down", {}, {{"reason", reason}});
    server_.begin_shutdown();
    server_.on_drained(kHttpDrainDeadline, [this] {
      log::info("daemon", "HTTP connections closed");
      workers_.stop(std::chrono::seconds(cfg_.workers.drain_timeout_seconds), [this] {
        log::info("daemon", "workers stopped");
        // close() completes every operation already submitted (group commit flush) before returning.
        queue_.close();
        ioc_.stop();
      });
    });
  }

 private:
  net::io_context& ioc_;
  HttpServer& server_;
  WorkerPool& workers_;
  JobQueue& queue_;
  const Config& cfg_;
  std::atomic<bool> draining_{false};
};

// A write past a file size limit (`ulimit -f`, systemd's LimitFSIZE=) and a write to a pipe whose
// reader went away (stdout piped into a pager) kill a process by default. Ignored, they fail with
// EFBIG and EPIPE instead: the queue answers the webhook 503 and counts a store failure, the log
// line is lost, and the daemon goes on.
void ignore_signals_of_failed_writes() {
  std::signal(SIGXFSZ, SIG_IGN);
  std::signal(SIGPIPE, SIG_IGN);
}

// Files an install made before the daemon created its files private (0755 and 0644 by the usual
// umask) stay as they were: the operator may have chosen them (a backup agent's group). Named in
// the log instead, so that nobody runs unaware with every alert's payload readable by any user.
void warn_about_files_open_to_other_users(const Config& cfg) {
  for (const std::string& path : {cfg.data_dir, cfg.queue_path(), cfg.data_dir + "/state.db"}) {
    if (auto mode = open_to_other_users(path)) {
      log::warn("daemon", "other users of this machine can read this file or directory, which holds alert data: "
                "chmod 700 the data directory and 600 the files in it", {}, {{"path", path}, {"mode", *mode}});
    }
  }
}

}  // namespace

int run_daemon(const Config& cfg, std::ostream& out) {
  ignore_signals_of_failed_writes();
  make_created_files_private();
  std::error_code fs_error;
  std::filesystem::create_directories(cfg.data_dir, fs_error);
  if (fs_error) {
    log::error("daemon", "cannot create the data directory", {}, {{"path", cfg.data_dir}, {"error", fs_error.message()}});
    return kExitUnavailable;
  }
  warn_about_files_open_to_other_users(cfg);
  // Outlives everything that holds its handles (the queue's writer, the pipeline, the routes, the
  // operator surface): declared before all of them.
  metrics::Registry registry;
  QueueCommitMetrics queue_metrics(registry);
  SqliteQueueOptions queue_options = SqliteQueueOptions::from_config(cfg);
  queue_options.on_commit = [&queue_metrics](const CommitObservation& o) {
    if (o.committed) {
      queue_metrics.observe_commit(o.synced, o.operations, o.commit_seconds);
    } else {
      queue_metrics.count_store_failure();
    }
  };
  auto queue = open_sqlite_job_queue(queue_options, SystemClock::instance());
  if (!queue) {
    log::error("daemon", "cannot open the job queue", {}, {{"path", cfg.queue_path()}, {"error", queue.error().message}});
    return kExitUnavailable;
  }
  JobQueue& jobs = **queue;

  ServerConfig server_cfg = cfg.server;
  server_cfg.threads = io_threads_for(cfg.server.threads, std::thread::hardware_concurrency());
  net::io_context ioc(server_cfg.threads);
  // The pipeline's stage durations and LLM usage.
  PipelineMetrics pipeline_metrics(registry);
  auto pipeline = PipelineAssembly::build(cfg, ioc, &pipeline_metrics);
  if (!pipeline) {
    log::error("daemon", "cannot build the pipeline", {}, {{"error", pipeline.error().message}});
    jobs.close();
    return kExitUnavailable;
  }
  WorkerPool workers(ioc, jobs, (*pipeline)->runner(), cfg.workers, lease_owner_prefix());
  // Before the workers start: it installs the upstream policies' metrics observers.
  auto surface = OperatorSurface::build(cfg, registry, jobs, **pipeline, workers);
  if (!surface) {
    log::error("daemon", "cannot build the operator surface", {}, {{"error", surface.error().message}});
    jobs.close();
    return kExitUnavailable;
  }
  OperatorSurface& operators = **surface;
  auto hunt_surface = HuntSurface::build(cfg, ioc, operators.access(), (*pipeline)->audit_log(), jobs);
  if (!hunt_surface) {
    log::error("daemon", "cannot build the hunting copilot", {}, {{"error", hunt_surface.error().message}});
    jobs.close();
    return kExitConfig;
  }
  HuntSurface& hunts = **hunt_surface;
  IngressStats ingress_stats;
  Shutdown* shutdown_ptr = nullptr;

  Router router;
  auto webhooks = std::make_shared<WebhookContext>();
  webhooks->config = &cfg;
  webhooks->queue = &jobs;
  webhooks->clock = &SystemClock::instance();
  webhooks->sources = build_webhook_sources(cfg);
  webhooks->stats = &ingress_stats;
  webhooks->counters = operators.webhook_counters(webhooks->sources);
  webhooks->on_new_job = [&workers] { workers.notify(); };
  register_webhook_routes(router, webhooks);

  auto admin = std::make_shared<AdminContext>();
  admin->queue = &jobs;
  admin->access = operators.access();
  admin->on_replay = [&workers] { workers.notify(); };
  register_admin_routes(router, admin);
  (*pipeline)->register_routes(router, operators.access(), &registry);
  operators.register_routes(router);
  hunts.register_routes(router);

  auto health = std::make_shared<HealthContext>();
  health->queue = &jobs;
  health->draining = [&shutdown_ptr] { return shutdown_ptr != nullptr && shutdown_ptr->draining(); };
  health->extra_checks = [&operators] { return operators.readiness_checks(); };
  health->info = [&operators] { return operators.upstream_info(); };
  register_health_routes(router, health);
  register_ui_routes(router);

  auto server = HttpServer::start(ioc, server_cfg, [&router](ServerRequest&& req, Responder&& respond) {
    router.dispatch(std::move(req), std::move(respond));
  });
  if (!server) {
    log::error("daemon", "cannot start the HTTP server", {}, {{"error", server.error().message}});
    jobs.close();
    return kExitUnavailable;
  }
  HttpServer& http = **server;

  Shutdown shutdown(ioc, http, workers, jobs, cfg);
  shutdown_ptr = &shutdown;
  net::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal;
  on_signal = [&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      log::warn("daemon", "SIGHUP: live config reload is not supported yet; restart to apply changes");
    } else {
      shutdown.begin(signo == SIGTERM ? "SIGTERM" : "SIGINT");
    }
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);

  workers.start();
  hunts.start();
  std::string scheme = http.tls() ? "https" : "http";
  std::string host = http.host().find(':') != std::string::npos ? "[" + http.host() + "]" : http.host();
  out << "triagent: listening on " << scheme << "://" << host << ":" << http.port() << " (mode " << cfg.mode
      << ", data " << cfg.data_dir << ")" << std::endl;
  log::info("daemon", "listening", {},
            {{"address", http.host()}, {"port", http.port()}, {"tls", http.tls()}, {"mode", cfg.mode},
             {"io_threads", server_cfg.threads}, {"workers", cfg.workers.count}, {"queue", cfg.queue_path()}});

  std::vector<std::thread> threads;
  for (int i = 1; i < server_cfg.threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  hunts.stop();
  (*pipeline)->close();
  jobs.close();
  log::info("daemon", "stopped");
  return 0;
}

}  // namespace triagent
