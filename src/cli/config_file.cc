#include "cli/config_file.h"

#include <algorithm>
#include <sstream>

#include "common/bytes.h"

namespace fog::cli {

namespace {

std::set<std::string>& FileKeys() {
  static std::set<std::string> keys;
  return keys;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A TOML basic string ("...", with \" and \\) or a bare value.
Result<std::string> Unquote(const std::string& v) {
  if (v.size() < 2 || v.front() != '"') return v;
  if (v.back() != '"')
    return Status::InvalidArgument("unterminated string " + v);
  std::string out;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] == '\\' && i + 2 < v.size()) ++i;
    out += v[i];
  }
  return out;
}

bool GivenOnCommandLine(const std::vector<std::string>& args,
                        const std::string& key) {
  const std::string flag = "--" + key;
  return std::any_of(args.begin(), args.end(), [&](const std::string& a) {
    return a == flag || a.starts_with(flag + "=");
  });
}

}  // namespace

Result<std::vector<std::string>> ExpandConfigFile(
    std::vector<std::string> args) {
  std::string path;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      path = args[i + 1];
      args.erase(args.begin() + i, args.begin() + i + 2);
      break;
    }
    if (args[i].starts_with("--config=")) {
      path = args[i].substr(9);
      args.erase(args.begin() + i);
      break;
    }
  }
  FileKeys().clear();
  if (path.empty()) return args;
  Result<Bytes> text = ReadFile(path);
  if (!text.ok()) return text.status();
  std::istringstream in(std::string(text->begin(), text->end()));
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == '[') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) {
      return Status::InvalidArgument(path + ":" + std::to_string(number) +
                                     ": expected key = value");
    }
    std::string key = Trim(line.substr(0, eq));
    Result<std::string> value = Unquote(Trim(line.substr(eq + 1)));
    if (!value.ok()) {
      return Status::InvalidArgument(path + ":" + std::to_string(number) +
                                     ": " + value.status().message());
    }
    if (GivenOnCommandLine(args, key) || *value == "false") continue;
    FileKeys().insert(key);
    args.push_back("--" + key);
    if (*value != "true") args.push_back(*value);
  }
  return args;
}

const std::set<std::string>& KeysFromConfigFile() { return FileKeys(); }

}  // namespace fog::cli
