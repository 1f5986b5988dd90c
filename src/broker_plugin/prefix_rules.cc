#include "broker_plugin/prefix_rules.h"

#include <nlohmann/json.hpp>

namespace fog::broker_plugin {

namespace {

constexpr size_t kMaxPrefixBytes = 255;

bool ValidPrefix(std::string_view prefix) {
  if (prefix.size() > kMaxPrefixBytes) return false;
  for (unsigned char c : prefix) {
    if (c < 0x20 || c == 0x7f || c == '/' || c == '+' || c == '#') return false;
  }
  return true;
}

}  // namespace

std::optional<PrefixTable> ParsePrefixFile(std::string_view text,
                                           std::string* error) {
  if (text.size() > kMaxPrefixFileBytes) {
    *error = "larger than " + std::to_string(kMaxPrefixFileBytes) + " bytes";
    return std::nullopt;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr,
                                           /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    *error = "not JSON";
    return std::nullopt;
  }
  if (!j.is_object()) {
    *error = "not a JSON object of username -> prefix";
    return std::nullopt;
  }
  PrefixTable table;
  for (const auto& [user, value] : j.items()) {
    if (user.empty()) {
      *error = "an empty username";
      return std::nullopt;
    }
    if (value.is_null()) {
      table.by_user.emplace(user, std::nullopt);
      continue;
    }
    if (!value.is_string() ||
        !ValidPrefix(value.get_ref<const std::string&>())) {
      *error = "the prefix of '" + user +
               "' is not a string of at most 255 bytes without / + # or "
               "control characters (or null)";
      return std::nullopt;
    }
    table.by_user.emplace(user, value.get<std::string>());
  }
  return table;
}

Verdict CheckWrite(const PrefixTable* table, std::string_view username,
                   std::string_view topic) {
  // "video/stream" itself is matched by the acl_file's video/stream/#.
  const bool stream = topic.starts_with(kStreamTopic) ||
                      topic == kStreamTopic.substr(0, kStreamTopic.size() - 1);
  if (!stream) return Verdict::kDefer;
  if (table == nullptr) return Verdict::kDeny;
  const auto it = table->by_user.find(username);
  if (it == table->by_user.end()) return Verdict::kDefer;
  if (!it->second) return Verdict::kDeny;
  if (it->second->empty()) return Verdict::kDefer;
  if (topic.size() <= kStreamTopic.size()) return Verdict::kDeny;
  const std::string_view id = topic.substr(kStreamTopic.size());
  if (id.find('/') != std::string_view::npos) return Verdict::kDeny;
  return id.starts_with(*it->second) ? Verdict::kDefer : Verdict::kDeny;
}

}  // namespace fog::broker_plugin
