#include "api/internal/poster_cache.h"

namespace fog::api {

PosterCache::Poster PosterCache::Find(const std::string& video_id) {
  auto it = posters_.find(video_id);
  if (it == posters_.end()) return nullptr;
  lru_.splice(lru_.end(), lru_, it->second.second);
  return it->second.first;
}

Result<PosterCache::Poster> PosterCache::GetOrMake(
    const std::string& video_id, const std::function<Result<Bytes>()>& make) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (Poster p = Find(video_id)) return p;
  }
  std::lock_guard<std::mutex> one_at_a_time(making_);
  {
    // Made by the request we waited for?
    std::lock_guard<std::mutex> lock(mu_);
    if (Poster p = Find(video_id)) return p;
  }
  Result<Bytes> made = make();
  if (!made.ok()) return made.status();
  if (made->size() > kMaxPosterBytes) {
    return Status::Unavailable("the poster is larger than " +
                               std::to_string(kMaxPosterBytes) + " bytes");
  }
  auto poster = std::make_shared<const Bytes>(std::move(*made));
  std::lock_guard<std::mutex> lock(mu_);
  lru_.push_back(video_id);
  posters_[video_id] = {poster, std::prev(lru_.end())};
  bytes_ += poster->size();
  while (posters_.size() > kMaxPosters || bytes_ > kMaxPosterCacheBytes) {
    auto oldest = posters_.find(lru_.front());
    bytes_ -= oldest->second.first->size();
    posters_.erase(oldest);
    lru_.pop_front();
  }
  return poster;
}

size_t PosterCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return posters_.size();
}

size_t PosterCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

}  // namespace fog::api
