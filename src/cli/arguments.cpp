#include "cli/arguments.hpp"

namespace triagent::cli {

std::optional<std::string> Arguments::option(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> parse_arguments(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                                           const std::set<std::string>& known_flags, Arguments& out) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      out.operands.insert(out.operands.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    if (a.size() > 1 && a[0] == '-' && a != "-") {
      std::string name = a;
      std::optional<std::string> value;
      if (auto eq = a.find('='); eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
      }
      if (name == "-c") name = "--config";
      if (with_value.count(name)) {
        if (!value) {
          if (i + 1 >= args.size()) return "option " + name + " needs a value";
          value = args[++i];
        }
        out.options[name] = *value;
      } else if (known_flags.count(name) && !value) {
        out.flags.insert(name);
      } else {
        return "unknown option " + name;
      }
    } else {
      out.operands.push_back(a);
    }
  }
  return std::nullopt;
}

}  // namespace triagent::cli
