// What the federation holds: this fog's catalog, built from its registry,
// and the latest catalog each peer sent.
//
// Thread-safety: PeerCatalogs is not thread-safe (its owner locks);
// CatalogFromRegistry is reentrant.

#ifndef FOG_FEDERATION_CATALOGS_H_
#define FOG_FEDERATION_CATALOGS_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "federation/messages.h"

namespace fog::federation {

// The entries of the registry's GET /videos answer (a JSON array of video
// objects, or an object holding one under "videos"): videos with at least
// one packet held. InvalidArgument for any other body.
Result<std::vector<CatalogEntry>> CatalogFromRegistry(std::string_view body);

class PeerCatalogs {
 public:
  // Keeps `c` unless a catalog with a higher seq came from that fog already.
  // Returns whether it was kept.
  bool Update(const Catalog& c);
  void Forget(const std::string& fog) { catalogs_.erase(fog); }
  // The fogs whose catalog lists `video_id`.
  std::set<std::string> Holders(const std::string& video_id) const;
  const std::map<std::string, Catalog>& all() const { return catalogs_; }

 private:
  std::map<std::string, Catalog> catalogs_;  // by fog name
};

}  // namespace fog::federation

#endif  // FOG_FEDERATION_CATALOGS_H_
