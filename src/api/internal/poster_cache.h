// The posters GET /videos/{id}/poster.jpg serves, made once per video and
// kept in memory (internal to fog_api).
//
// Bounds: at most kMaxPosters posters and kMaxPosterCacheBytes bytes; past
// either, the least recently served posters are forgotten (and made again
// if asked for). A poster larger than kMaxPosterBytes is refused. Only one
// poster is made at a time (each runs ffmpeg): other requests for posters
// not yet made wait for it, so a burst of library views costs one ffmpeg
// process at a time, never one per request.
//
// Thread-safety: every method may be called from any thread.

#ifndef FOG_API_INTERNAL_POSTER_CACHE_H_
#define FOG_API_INTERNAL_POSTER_CACHE_H_

#include <cstddef>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::api {

inline constexpr size_t kMaxPosters = 1024;
inline constexpr size_t kMaxPosterCacheBytes = size_t{32} << 20;
inline constexpr size_t kMaxPosterBytes = size_t{1} << 20;

class PosterCache {
 public:
  using Poster = std::shared_ptr<const Bytes>;

  // The cached poster of `video_id`, or the one `make` returns (then
  // cached). An error from `make` is returned and nothing is cached, so a
  // poster not yet available is tried again on the next request.
  Result<Poster> GetOrMake(const std::string& video_id,
                           const std::function<Result<Bytes>()>& make);

  size_t size() const;
  size_t bytes() const;

 private:
  Poster Find(const std::string& video_id);  // REQUIRES: mu_ held

  mutable std::mutex mu_;  // guards the maps, never held while making
  std::mutex making_;      // one poster made at a time
  std::map<std::string, std::pair<Poster, std::list<std::string>::iterator>>
      posters_;
  std::list<std::string> lru_;  // front = least recently served
  size_t bytes_ = 0;
};

}  // namespace fog::api

#endif  // FOG_API_INTERNAL_POSTER_CACHE_H_
