// Serves the embedded review UI. The set of answerable names is the embedded table itself, so a
// path such as /ui/../config.yaml or /ui/%2e%2e can only miss (404), never reach the file system.
#include "triagent/ingress/ui_routes.hpp"

#include <utility>

#include "ingress/ui_assets.hpp"

namespace triagent {

namespace {

// No inline script or style anywhere in ui/, so the policy needs no 'unsafe-inline' and an
// injected <script> or style attribute in attacker-controlled log text would not run.
constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string_view content_type_for(std::string_view name) {
  auto ends_with = [name](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  if (ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

const EmbeddedUiFile* find_file(std::string_view name) {
  for (const auto& f : embedded_ui_files()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

ServerResponse serve(std::string_view name) {
  const EmbeddedUiFile* file = find_file(name);
  if (file == nullptr) return ServerResponse::error(404, "no such UI asset");
  ServerResponse r = ServerResponse::text(200, std::string(file->bytes), std::string(content_type_for(name)));
  r.headers.emplace_back("Content-Security-Policy", std::string(kCsp));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  // The files are small and change with every upgrade: never serve a stale UI against a new API.
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

std::string_view ui_content_security_policy() { return kCsp; }

void register_ui_routes(Router& router) {
  // The router ignores a trailing slash, so this also answers /ui/.
  router.add("GET", "/ui", [](ServerRequest, Responder respond) { respond(serve("index.html")); });
  router.add("GET", "/ui/{asset}", [](ServerRequest req, Responder respond) {
    respond(serve(req.params["asset"]));
  });
}

}  // namespace triagent
