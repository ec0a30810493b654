#pragma once
// The bytes of an HTTP/1.x response, written in one piece: status line, Server, Content-Type, the
// handler's headers, Connection, Content-Length, body. The server sends them with one async_write
// instead of building a beast::http::response and running its serializer, which walked the
// header fields and buffer views at about a tenth of an intake request's io-thread instructions.
//
//   std::string bytes = render_response(response, 11, /*keep_alive=*/true);
//
// Header names and values come from our handlers, never from a request, but a CR or LF in one
// would still split the response: those bytes (and NUL) are written as spaces.

#include <string>

#include "triagent/net/server_types.hpp"

namespace triagent {

// `version`: 10 or 11. Content-Length is left out for the statuses that have no body (1xx, 204,
// 304), and so is the body.
std::string render_response(const ServerResponse& response, unsigned version, bool keep_alive);

}  // namespace triagent
