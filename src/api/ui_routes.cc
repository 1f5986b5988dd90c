// The web UI's side of the API: its static files with the single-page-app
// fallback, GET /keys (the trusted publisher keys, fog keys and revocation
// lists) and GET /ui-config (the
// chat's broker endpoint and viewer login). docs/api.md#web-ui.

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>

#include "api/internal/http_errors.h"
#include "api/internal/server_impl.h"

namespace fog::api {
namespace {

namespace fs = std::filesystem;

// Files larger than this are not served (the built app's largest is far
// smaller); the bound keeps one request from reading a huge file into memory.
constexpr uintmax_t kMaxUiFileBytes = uintmax_t{32} << 20;

constexpr char kUiMissing[] = "web UI not built: run npm run build in web/\n";

const char* ContentTypeOf(const fs::path& file) {
  static const std::pair<std::string_view, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".wasm", "application/wasm"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  };
  const std::string ext = file.extension().string();
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

std::string Base64(ByteView data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < data.size()) {
    uint32_t v = data[i] << 16;
    if (i + 1 < data.size()) v |= data[i + 1] << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

// Whether an Accept-Encoding header value lists `encoding` (without q=0).
bool AcceptsEncoding(std::string_view header, std::string_view encoding) {
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const size_t semi = item.find(';');
    std::string_view name = item.substr(0, semi);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    const bool refused =
        semi != std::string_view::npos &&
        item.substr(semi).find("q=0") != std::string_view::npos &&
        item.substr(semi).find("q=0.") == std::string_view::npos;
    if (name == encoding && !refused) return true;
    start = end + 1;
  }
  return false;
}

// The file under `root` that the URL path names, if it is a regular file
// inside `root` (no "..", no symlink out of it).
std::optional<fs::path> UiFile(const fs::path& root, const std::string& path) {
  if (path.empty() || path[0] != '/' || path.find("..") != std::string::npos ||
      path.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  std::error_code ec;
  const fs::path file = fs::weakly_canonical(root / path.substr(1), ec);
  if (ec) return std::nullopt;
  const std::string prefix = root.string() + "/";
  if (!file.string().starts_with(prefix)) return std::nullopt;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

}  // namespace

void ApiServer::Impl::HandleUi(const Request& req, Response& res) {
  std::error_code ec;
  const fs::path root = options_.ui_dir.empty()
                            ? fs::path()
                            : fs::weakly_canonical(options_.ui_dir, ec);
  const bool built =
      !root.empty() && !ec && fs::is_regular_file(root / "index.html", ec);
  if (!built) {
    Count(req, Rejection::kUnavailable, "web UI not built");
    res.status = 503;
    res.set_header("Cache-Control", "no-store");
    res.set_content(kUiMissing, "text/plain; charset=utf-8");
    return;
  }
  // A file of the app, else index.html: the app routes /watch/ID itself.
  const std::optional<fs::path> named =
      req.path == "/" ? std::nullopt : UiFile(root, req.path);
  const fs::path file = named ? *named : root / "index.html";
  // The build writes X.br and X.gz twins of its larger files: served as they
  // are to a browser that takes them, never compressed per request.
  fs::path body_file = file;
  const std::string accept = req.get_header_value("Accept-Encoding");
  for (const char* encoding : {"br", "gzip"}) {
    const fs::path twin =
        file.string() + (std::string_view(encoding) == "br" ? ".br" : ".gz");
    if (AcceptsEncoding(accept, encoding) && fs::is_regular_file(twin, ec)) {
      body_file = twin;
      res.set_header("Content-Encoding", encoding);
      break;
    }
  }
  res.set_header("Vary", "Accept-Encoding");
  const uintmax_t size = fs::file_size(body_file, ec);
  if (ec || size > kMaxUiFileBytes) {
    SendError(req, res, 500, Rejection::kInternal,
              "web UI file unreadable or too large");
    return;
  }
  std::ifstream in(body_file, std::ios::binary);
  std::string body(size, '\0');
  if (!in.read(body.data(), static_cast<std::streamsize>(size))) {
    SendError(req, res, 500, Rejection::kInternal, "web UI file unreadable");
    return;
  }
  // Vite names assets by content hash: they never change. index.html names
  // the current ones, so it is always revalidated.
  const bool asset = named && req.path.starts_with("/assets/");
  res.set_header("Cache-Control",
                 asset ? "public, max-age=31536000, immutable" : "no-cache");
  if (body_file == file) {
    res.set_content(std::move(body), ContentTypeOf(file));
    return;
  }
  // httplib compresses a plain body again for a client that accepts it; a
  // content provider of known length is written as it is.
  auto shared = std::make_shared<const std::string>(std::move(body));
  res.set_content_provider(
      shared->size(), ContentTypeOf(file),
      [shared](size_t offset, size_t length, httplib::DataSink& sink) {
        return sink.write(shared->data() + offset, length);
      });
}

void ApiServer::Impl::HandleKeys(Response& res) {
  const std::vector<PublishedKey> keys = Provider(keys_);
  const std::function<PublishedTrust()> trust_provider = Provider(trust_);
  const PublishedTrust trust =
      trust_provider ? trust_provider() : PublishedTrust{};
  auto key_list = [](const std::vector<PublishedKey>& ks) {
    nlohmann::json list = nlohmann::json::array();
    for (const PublishedKey& k : ks) {
      list.push_back({{"key_id", k.key_id_hex},
                      {"algorithm", k.algorithm},
                      {"public_key", Base64(k.public_key)}});
    }
    return list;
  };
  nlohmann::json revocations = nlohmann::json::array();
  for (const Bytes& r : trust.revocations) revocations.push_back(Base64(r));
  res.set_header("Cache-Control", "no-cache");
  res.set_content(nlohmann::json{{"keys", key_list(keys)},
                                 {"authorities", key_list(trust.authorities)},
                                 {"revocations", revocations}}
                      .dump(),
                  kJson);
}

void ApiServer::Impl::HandleUiConfig(const Request& req, Response& res) {
  nlohmann::json url = nullptr;
  if (!options_.mqtt_ws_url.empty()) {
    url = options_.mqtt_ws_url;
  } else if (options_.mqtt_ws_port > 0) {
    // The host the browser reached us by (without our port) reaches the
    // bridge too, whether that is 127.0.0.1 or a LAN address.
    std::string host = req.get_header_value("Host");
    if (!host.empty() && host.back() != ']') {
      const size_t colon = host.rfind(':');
      if (colon != std::string::npos) host.resize(colon);
    }
    const bool safe =
        !host.empty() && host.find_first_of("/@ \t\"\\") == std::string::npos;
    // A page served over HTTPS may open no plaintext WebSocket: under TLS
    // the bridge speaks wss:// (fog up --tls).
    url = fmt::format("{}://{}:{}/",
                      options_.tls_cert_file.empty() ? "ws" : "wss",
                      safe ? host : "127.0.0.1", options_.mqtt_ws_port);
  }
  nlohmann::json body = {{"mqtt_ws_url", url},
                         {"username", options_.viewer_username},
                         {"password", options_.viewer_password},
                         {"chat_topic_prefix", "chat/"}};
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), kJson);
}

}  // namespace fog::api
