#pragma once
// One HTTP exchange on a curl easy handle: the options set before it starts, the callbacks that
// collect the response within its caps, and the mapping of the outcome to HttpResult.
// Private to the curl client; everything here runs on the client's thread.

#include <curl/curl.h>

#include <chrono>
#include <cstdint>

#include "triagent/net/http_client.hpp"

namespace triagent::curl_detail {

struct Transfer {
  HttpRequestId id = 0;
  HttpRequest request;
  Deadline deadline;
  HttpCallback done;

  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  HttpResponse response;
  std::uint64_t body_cap = 0;
  std::uint64_t header_cap = 0;
  std::uint64_t header_bytes = 0;
  bool over_cap = false;
  char error_text[CURL_ERROR_SIZE] = {};

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() { curl_slist_free_all(header_list); }
};

// Sets every option of `t` on `t.easy` (a fresh or reset handle). An error means the request is
// invalid and must not be started.
Result<void> configure(Transfer& t, const HttpClientConfig& config, std::chrono::milliseconds remaining);

// The result of a finished transfer; `code` is what libcurl reported for it.
HttpResult finish(Transfer& t, CURLcode code);

// The result of a transfer that ended without libcurl finishing it (cancelled, shut down, invalid).
HttpResult fail(Transfer& t, HttpErrorKind kind, std::string message);

}  // namespace triagent::curl_detail
