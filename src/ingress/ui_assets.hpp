#pragma once
// The review UI's files, embedded in the binary at build time (the table is generated from ui/ by
// src/ingress/embed_ui_assets.cmake). ui_routes.cpp serves only names found here.
//
//   for (const auto& f : embedded_ui_files()) if (f.name == "app.js") serve(f.bytes);

#include <span>
#include <string_view>

namespace triagent {

struct EmbeddedUiFile {
  std::string_view name;   // base name, e.g. "app.js"
  std::string_view bytes;  // the file's content as it was at build time
};

std::span<const EmbeddedUiFile> embedded_ui_files();

}  // namespace triagent
