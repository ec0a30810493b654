#pragma once
// What the fault server sends for one request: timed steps of bytes, then how the connection ends.
// Private to fault_server*.cpp.

#include <string>
#include <vector>

#include "support/fault_server.hpp"

namespace triagent::test::fault {

struct Step {
  int delay_ms = 0;   // after the previous step's bytes were written
  std::string bytes;
};

enum class Ending { keep_alive, close, reset };

struct Plan {
  std::vector<Step> steps;
  Ending ending = Ending::keep_alive;
};

Plan plan_for(const RecordedRequest& request);

enum class ParseStatus { incomplete, complete, malformed };
// Takes one complete request off the front of `buffer` into `out`.
ParseStatus parse_request(std::string& buffer, RecordedRequest& out);

}  // namespace triagent::test::fault
