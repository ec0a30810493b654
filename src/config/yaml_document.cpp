#include "config/yaml_document.hpp"

#include <yaml-cpp/eventhandler.h>

#include <sstream>

namespace triagent::config_detail {
namespace {

// Remembers where a document starts; the pre-scan needs nothing else.
class DocumentStartProbe final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  YAML::Mark start = YAML::Mark::null_mark();
};

bool same_place(const YAML::Mark& a, const YAML::Mark& b) {
  return a.pos == b.pos && a.line == b.line && a.column == b.column;
}

}  // namespace

YAML::Node load_single_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStartProbe probe;
  if (!parser.HandleNextDocument(probe)) return YAML::Node();
  const YAML::Mark first = probe.start;
  // Two calls at most, so the parser's own loop bug cannot run away here.
  if (parser.HandleNextDocument(probe)) {
    // A "second document" starting where the first did means the parser could not consume a token.
    if (same_place(first, probe.start)) throw YAML::ParserException(probe.start, "unexpected character");
    throw YAML::ParserException(probe.start, "a config file holds one YAML document, this one has more");
  }
  return YAML::Load(text);
}

}  // namespace triagent::config_detail
