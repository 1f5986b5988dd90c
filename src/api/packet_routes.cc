// GET /videos/{id}/packets/{n}: one packet's payload as a worker holds it,
// for the browser to verify (docs/api.md#signed-packets), and
// GET /videos/{id}/poster.jpg: a frame of the video's first fragment.

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <string_view>

#include "api/internal/server_impl.h"
#include "wire/envelope.h"

namespace fog::api {
namespace {

constexpr std::string_view kPacketsDir = "packets/";

// The workers holding packet `number` by the registry's ranges (a worker that
// reported no ranges is listed when it holds any packet).
std::vector<std::string> HoldersOf(const registry::VideoRecord& video,
                                   int64_t number) {
  std::vector<std::string> out;
  for (const registry::WorkerHolding& w : video.workers) {
    if (w.packets <= 0) continue;
    const bool holds =
        w.ranges.empty() ||
        std::any_of(w.ranges.begin(), w.ranges.end(), [&](const auto& r) {
          return r.first <= number && number <= r.last;
        });
    if (holds) out.push_back(w.worker);
  }
  return out;
}

// A packet number: a plain decimal in [1, kMaxSegmentNumber].
Result<int64_t> ParsePacketNumber(std::string_view text) {
  int64_t n = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || text[0] == '0' || ec != std::errc() || ptr != end ||
      n < 1 || n > kMaxSegmentNumber) {
    return Status::InvalidArgument(
        "packet number must be a decimal integer from 1 to 2^53 without "
        "leading zeros");
  }
  return n;
}

}  // namespace

Result<registry::VideoRecord> ApiServer::Impl::KnownVideo(
    const Request& req, Response& res, const std::string& id) {
  if (!ValidId(req, res, id)) return Status::InvalidArgument("bad id");
  Result<registry::VideoRecord> video = FetchableVideo(id);
  if (!video.ok()) SendStatus(req, res, video.status(), Rejection::kBadRequest);
  return video;
}

void ApiServer::Impl::HandlePacket(const Request& req, Response& res,
                                   const std::string& rest) {
  const size_t slash = rest.find('/');
  const std::string id = rest.substr(0, slash);
  const std::string_view file = std::string_view(rest).substr(slash + 1);
  Result<int64_t> number = ParsePacketNumber(file.substr(kPacketsDir.size()));
  if (!number.ok()) {
    SendStatus(req, res, number.status(), Rejection::kBadRequest);
    return;
  }
  const PacketProvider provider = Provider(packets_);
  if (!provider) {
    SendStatus(req, res, Status::NotFound("this API does not serve packets"),
               Rejection::kNotFound);
    return;
  }
  Result<registry::VideoRecord> video = KnownVideo(req, res, id);
  if (!video.ok()) return;
  const std::vector<std::string> holders = HoldersOf(*video, *number);
  Result<Bytes> payload =
      provider(id, *number, static_cast<int>(holders.size()));
  if (!payload.ok()) {
    if (payload.status().code() == Status::Code::kUnavailable) {
      res.set_header("Retry-After", "1");
      SendError(req, res, 503, Rejection::kUnavailable,
                payload.status().message());
    } else {
      SendStatus(req, res, payload.status(), Rejection::kBadRequest);
    }
    return;
  }
  std::string names;
  for (const std::string& h : holders) {
    names += (names.empty() ? "" : ",") + h;
  }
  res.set_header("X-Fog-Holders", names);
  res.set_header("Access-Control-Expose-Headers", "X-Fog-Holders");
  // Not verified here: the browser verifies, and must see each fetch fresh.
  res.set_header("Cache-Control", "no-store");
  res.set_content(reinterpret_cast<const char*>(payload->data()),
                  payload->size(), "application/octet-stream");
}

void ApiServer::Impl::HandlePoster(const Request& req, Response& res,
                                   const std::string& rest) {
  const std::string id = rest.substr(0, rest.find('/'));
  const MediaProvider media = Provider(media_);
  const PosterMaker maker = Provider(poster_maker_);
  if (!media || !maker) {
    SendStatus(req, res, Status::NotFound("this API does not make posters"),
               Rejection::kNotFound);
    return;
  }
  Result<registry::VideoRecord> video = KnownVideo(req, res, id);
  if (!video.ok()) return;
  int holders = 0;
  for (const registry::WorkerHolding& w : video->workers) {
    if (w.packets > 0) ++holders;
  }
  // Packet 1 (init) and 2 (first fragment), each verified by the provider.
  auto fetch = [&](MediaKind kind, int64_t n) -> Result<MediaReply> {
    Result<MediaReply> r =
        media({.path = {.video_id = id, .kind = kind, .packet = n},
               .holders = holders});
    if (!r.ok() && r.status().code() == Status::Code::kNotFound) {
      return Status::Unavailable(
          fmt::format("poster not available yet: packet {} of {} is not "
                      "published",
                      n, id));
    }
    return r;
  };
  Result<PosterCache::Poster> poster =
      posters_.GetOrMake(id, [&]() -> Result<Bytes> {
        Result<MediaReply> init = fetch(MediaKind::kInit, 1);
        if (!init.ok()) return init.status();
        Result<MediaReply> fragment = fetch(MediaKind::kSegment, 2);
        if (!fragment.ok()) return fragment.status();
        return maker(AsBytes(init->body), AsBytes(fragment->body));
      });
  if (!poster.ok()) {
    const Status& s = poster.status();
    switch (s.code()) {
      case Status::Code::kUnavailable:
        res.set_header("Retry-After", "2");
        SendError(req, res, 503, Rejection::kUnavailable, s.message());
        return;
      case Status::Code::kCorruption:
        SendError(req, res, 502, Rejection::kUnverified, s.message());
        return;
      case Status::Code::kInvalidArgument:
        // The video's own media does not give a frame: not the client's
        // fault, and nothing a retry fixes soon.
        SendError(req, res, 422, Rejection::kBadRequest, s.message());
        return;
      default:
        SendStatus(req, res, s, Rejection::kBadRequest);
        return;
    }
  }
  res.set_header("Cache-Control", "public, max-age=3600");
  const Bytes& jpeg = **poster;
  res.set_content(reinterpret_cast<const char*>(jpeg.data()), jpeg.size(),
                  "image/jpeg");
}

}  // namespace fog::api
