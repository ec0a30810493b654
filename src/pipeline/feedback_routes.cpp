// Feedback routes (see feedback_routes.hpp).
#include "triagent/pipeline/feedback_routes.hpp"

#include <charconv>

#include "triagent/audit/audit_record.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/core/ids.hpp"
#include "triagent/core/json_safety.hpp"
#include "triagent/net/require_role.hpp"
#include "triagent/observability/log.hpp"

namespace triagent {

namespace {

using nlohmann::json;

std::optional<std::int64_t> parse_job_id(const std::string& text) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

void run_store_work(const std::shared_ptr<FeedbackRoutesContext>& ctx, std::function<void()> work) {
  if (ctx->run_blocking) {
    ctx->run_blocking(std::move(work));
  } else {
    work();
  }
}

ServerResponse store_error(const Error& e) {
  if (e.code == ErrorCode::invalid_argument) return ServerResponse::error(400, e.message);
  return ServerResponse::error(503, "feedback store unavailable: " + e.message);
}

// {"rating", "reason", "comment"?}: types checked here, values by the store.
Result<FeedbackInput> read_body(std::string_view body) {
  auto parsed = parse_untrusted_json(body);
  if (!parsed) return make_error(ErrorCode::invalid_argument, "body: " + parsed.error().message);
  if (!parsed->is_object()) return make_error(ErrorCode::invalid_argument, "body must be a JSON object");
  FeedbackInput in;
  auto rating = parsed->find("rating");
  if (rating == parsed->end() || !rating->is_string() || !is_feedback_rating(rating->get<std::string>())) {
    return make_error(ErrorCode::invalid_argument, "rating must be one of accepted, edited, rejected");
  }
  in.rating = rating->get<std::string>();
  auto reason = parsed->find("reason");
  if (reason == parsed->end() || !reason->is_string()) {
    return make_error(ErrorCode::invalid_argument, "reason (a string) is required");
  }
  in.reason = reason->get<std::string>();
  if (auto comment = parsed->find("comment"); comment != parsed->end() && !comment->is_null()) {
    if (!comment->is_string()) return make_error(ErrorCode::invalid_argument, "comment must be a string");
    in.comment = comment->get<std::string>();
  }
  return in;
}

// Answers 400/404/503 itself; otherwise calls `next` with the job.
void with_job(const std::shared_ptr<FeedbackRoutesContext>& ctx, const std::string& id_text, Responder respond,
              std::function<void(JobRecord)> next) {
  if (ctx->store == nullptr || ctx->queue == nullptr) {
    respond(ServerResponse::error(503, "feedback is not configured"));
    return;
  }
  auto id = parse_job_id(id_text);
  if (!id) {
    respond(ServerResponse::error(400, "job id must be a positive integer"));
    return;
  }
  ctx->queue->get(*id, [respond, id, next = std::move(next)](Result<std::optional<JobRecord>> r) {
    if (!r) return respond(ServerResponse::error(503, "job store unavailable: " + r.error().message));
    if (!r->has_value()) return respond(ServerResponse::error(404, "no job " + std::to_string(*id)));
    next(std::move(**r));
  });
}

void audit_feedback(const std::shared_ptr<FeedbackRoutesContext>& ctx, const JobRecord& job, const FeedbackRecord& r) {
  if (ctx->audit == nullptr) return;
  auto trace = TraceContext::parse(job.traceparent);
  json data{{"feedback_id", std::to_string(r.id)}, {"rating", r.rating}, {"reason", r.reason},
            {"comment", r.comment},                {"actor", r.actor}};
  ctx->audit->append(r.job_id, trace ? trace->trace_id : "", audit::kind::feedback, std::move(data),
                     [job_id = r.job_id](Result<audit::AuditRecordRef> done) {
                       if (!done) {
                         log::error("feedback", "could not audit feedback", {.job_id = job_id},
                                    {{"error", done.error().message}});
                       }
                     });
}

// The seeds' "time to first action": from the incident's arrival to the first analyst verdict on
// what the AI wrote. Only a job's first feedback counts, so edits and second opinions do not skew it.
void observe_first_action(const std::shared_ptr<FeedbackRoutesContext>& ctx, const JobRecord& job) {
  auto all = ctx->store->list(std::to_string(job.id), 2);
  if (!all || all->size() != 1 || job.created_ms <= 0) return;
  const double seconds = static_cast<double>(SystemClock::instance().now_ms() - job.created_ms) / 1000.0;
  ctx->metrics
      ->histogram("triagent_time_to_first_action_seconds",
                  "From an incident's arrival to the first analyst feedback on its AI result.",
                  {60, 300, 900, 1800, 3600, 14400, 28800, 86400})
      .observe(seconds < 0 ? 0 : seconds);
}

void post_feedback(const std::shared_ptr<FeedbackRoutesContext>& ctx, ServerRequest req, Responder respond,
                   const Principal& who) {
  auto input = read_body(req.body);
  if (!input) {
    respond(ServerResponse::error(400, input.error().message));
    return;
  }
  input->actor = who.name;
  with_job(ctx, req.params["id"], respond, [ctx, respond, input = std::move(*input)](JobRecord job) mutable {
    input.job_id = std::to_string(job.id);
    run_store_work(ctx, [ctx, respond, input = std::move(input), job = std::move(job)] {
      auto r = ctx->store->add(input);
      if (!r) return respond(store_error(r.error()));
      audit_feedback(ctx, job, *r);
      if (ctx->metrics != nullptr) {
        ctx->metrics->counter("triagent_feedback_total", "Analyst feedback on AI results, by rating.",
                              {{"rating", r->rating}})
            .inc();
        observe_first_action(ctx, job);
      }
      respond(ServerResponse::json(201, to_json(*r)));
    });
  });
}

void get_feedback(const std::shared_ptr<FeedbackRoutesContext>& ctx, ServerRequest req, Responder respond) {
  with_job(ctx, req.params["id"], respond, [ctx, respond](JobRecord job) {
    run_store_work(ctx, [ctx, respond, job_id = std::to_string(job.id)] {
      auto r = ctx->store->list(job_id, kMaxFeedbackListLimit);
      if (!r) return respond(store_error(r.error()));
      json items = json::array();
      for (const auto& f : *r) items.push_back(to_json(f));
      respond(ServerResponse::json(200, {{"feedback", items}}));
    });
  });
}

}  // namespace

void register_feedback_routes(Router& router, std::shared_ptr<FeedbackRoutesContext> ctx) {
  router.add("POST", "/v1/jobs/{id}/feedback",
             require_role(ctx->access, Role::approver, [ctx](ServerRequest req, Responder respond, Principal who) {
               post_feedback(ctx, std::move(req), std::move(respond), who);
             }));
  router.add("GET", "/v1/jobs/{id}/feedback",
             require_role(ctx->access, Role::viewer, [ctx](ServerRequest req, Responder respond, Principal) {
               get_feedback(ctx, std::move(req), std::move(respond));
             }));
}

}  // namespace triagent
