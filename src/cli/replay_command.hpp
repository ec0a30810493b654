#pragma once
// `triagent replay --config FILE [--mode shadow|assist|auto] [--data-dir DIR] [--concurrency N]
// INPUT.jsonl`: runs recorded webhooks through the whole enrichment pipeline in this process (no
// queue, no HTTP server) and prints one row per webhook and a summary: jobs, outcomes, tokens, time.
//
// Each input line is {"source": "dataset|singularity|vigilance|generic", "body": {...webhook...}}
// (what the webhook route receives; `--record` on the daemon is not needed: any saved body works).
// The mode is shadow unless --mode says otherwise, so a replay writes nothing to SentinelOne by
// default. The replay keeps its own audit chain and state under <data_dir>/replay (or --data-dir),
// so it can run beside a daemon that holds the data directory's audit log.
//
//   exit 0   every line became a job and every job finished (done)
//   exit 65  some lines were not valid webhooks (each named by its line number; the others ran)
//   exit 69  some jobs failed or asked to be retried (their reason is in the table)
//   exit 64 usage, 66 input unreadable, 78 configuration error

#include <ostream>
#include <string>
#include <vector>

namespace triagent::cli {

// `args` are the words after "replay".
int replay_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace triagent::cli
