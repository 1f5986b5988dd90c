// The HLS routes: GET /videos/{id}/index.m3u8, init.mp4 and {n}.m4s, served
// by the media provider from verified packets (docs/api.md#hls-playback).

#include "api/internal/server_impl.h"
#include "api/media_path.h"

namespace fog::api {

void ApiServer::Impl::HandleMedia(const Request& req, Response& res,
                                  const std::string& rest) {
  Result<MediaPath> path = ParseMediaPath(rest);
  if (!path.ok()) {
    SendStatus(req, res, path.status(), Rejection::kBadRequest);
    return;
  }
  const MediaProvider provider = Provider(media_);
  if (!provider) {
    SendStatus(req, res, Status::NotFound("this API does not serve video"),
               Rejection::kNotFound);
    return;
  }
  // Only videos the registry or the federation knows are fetched: an
  // unknown id costs no MQTT round trip, and the holders tell the fetch how
  // many answers to expect.
  Result<registry::VideoRecord> video = FetchableVideo(path->video_id);
  if (!video.ok()) {
    SendStatus(req, res, video.status(), Rejection::kBadRequest);
    return;
  }
  MediaRequest request{.path = *path};
  for (const registry::WorkerHolding& w : video->workers) {
    if (w.packets > 0) ++request.holders;
  }
  Result<MediaReply> reply = provider(request);
  if (!reply.ok()) {
    SendMediaStatus(req, res, reply.status());
    return;
  }
  const bool playlist = path->kind == MediaKind::kPlaylist;
  // A complete video's playlist and packets never change; a live playlist
  // grows, and a live video's verified packets are final but short-lived
  // in caches so that a deleted video stops playing.
  const char* cache_control =
      playlist ? (reply->complete ? "public, max-age=300" : "no-cache")
               : (reply->complete ? "public, max-age=31536000, immutable"
                                  : "public, max-age=60");
  res.set_header("Cache-Control", cache_control);
  if (!reply->etag.empty()) {
    const std::string etag = "\"" + reply->etag + "\"";
    res.set_header("ETag", etag);
    if (req.get_header_value("If-None-Match") == etag) {
      res.status = 304;
      return;
    }
  }
  res.set_content(reply->body.data(), reply->body.size(),
                  MediaContentType(path->kind));
}

// Media errors name the packet and the reason for the client: they hold no
// secrets, and a player's user needs them. Verification failures are the
// upstream's fault (502), not ours (500).
void ApiServer::Impl::SendMediaStatus(const Request& req, Response& res,
                                      const Status& status) {
  // A seed-format video (viewer/hls_source.h, kSeedFormatRefusal): the
  // request is fine, the video cannot be played this way.
  if (status.code() == Status::Code::kInvalidArgument &&
      status.message().starts_with("not playable as HLS")) {
    SendError(req, res, 422, Rejection::kBadRequest, status.message());
    return;
  }
  switch (status.code()) {
    case Status::Code::kCorruption:
      SendError(req, res, 502, Rejection::kUnverified, status.message());
      return;
    case Status::Code::kUnavailable:
      res.set_header("Retry-After", "1");
      SendError(req, res, 503, Rejection::kUnavailable, status.message());
      return;
    default:
      SendStatus(req, res, status, Rejection::kBadRequest);
      return;
  }
}

}  // namespace fog::api
