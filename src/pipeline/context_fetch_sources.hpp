#pragma once
// One planned context query run on its connector, start to finish: the call, the conversion of
// what came back to ContextEvents, the result cap. Internal to context_fetch.cpp (which adds the
// concurrency and the deadline race).
//
//   ContextQueryResult r = co_await context_detail::run_context_query(connectors, planned, options);

#include <boost/asio/awaitable.hpp>

#include "triagent/connectors/upstream.hpp"
#include "triagent/pipeline/context_fetch.hpp"

namespace triagent::context_detail {

// The result's identity (template, source, query, window), status skipped, no events.
ContextQueryResult blank_result(const PlannedQuery& query);

// Never throws for an upstream failure: that is a `failed` result with the connector's Error.
boost::asio::awaitable<ContextQueryResult> run_context_query(ContextConnectors connectors, PlannedQuery query,
                                                             CallOptions options);

}  // namespace triagent::context_detail
