#include "connectors/singularity_url.hpp"

namespace triagent::s1 {

namespace {

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

std::string percent_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (is_unreserved(c)) {
      out += c;
    } else {
      auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
  return out;
}

std::string percent_decode(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size()) {
      int hi = hex_value(value[i + 1]);
      int lo = hex_value(value[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += value[i];
  }
  return out;
}

Result<void> check_id(std::string_view id, std::string_view what) {
  if (id.empty()) return Error{ErrorCode::invalid_argument, std::string(what) + ": empty"};
  if (id.size() > kMaxIdBytes) {
    return Error{ErrorCode::invalid_argument,
                 std::string(what) + ": longer than " + std::to_string(kMaxIdBytes) + " bytes"};
  }
  for (char c : id) {
    if (!is_id_char(c)) {
      return Error{ErrorCode::invalid_argument, std::string(what) + ": only letters, digits, '-' and '_' are allowed"};
    }
  }
  return {};
}

Result<void> check_ids(const std::vector<std::string>& ids, std::string_view what) {
  for (const auto& id : ids) {
    if (auto ok = check_id(id, what); !ok) return ok;
  }
  return {};
}

QueryString& QueryString::add(std::string_view key, std::string_view value) {
  params_.emplace_back(std::string(key), percent_encode(value));
  return *this;
}

QueryString& QueryString::add_list(std::string_view key, const std::vector<std::string>& values) {
  std::string joined;
  for (const auto& v : values) {
    if (!joined.empty()) joined += ',';
    joined += percent_encode(v);
  }
  params_.emplace_back(std::string(key), std::move(joined));
  return *this;
}

std::string QueryString::str() const {
  std::string out;
  for (const auto& [key, value] : params_) {
    out += out.empty() ? '?' : '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

}  // namespace triagent::s1
