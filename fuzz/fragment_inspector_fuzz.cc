// libFuzzer target: the ISO-BMFF box parsing and the fragment inspector the
// workers run on every packet they store and the API on packets it fetches
// (track timescales from an init segment, durations from a fragment). The
// input is read as an init segment, as a fragment alone, and split at its
// first moof into an init segment and a fragment read against it.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "media/box.h"
#include "media/fragment_inspector.h"

namespace {

// The offset of the first top-level moof, if the box headers lead to one.
std::optional<size_t> FirstMoof(fog::ByteView data) {
  size_t at = 0;
  while (at < data.size()) {
    auto header = fog::media::ParseBoxHeader(data.subspan(at));
    if (!header.ok() || !header->has_value()) return std::nullopt;
    if ((*header)->type == fog::media::MakeFourCc("moof")) return at;
    if ((*header)->size == 0 || (*header)->size > data.size() - at) {
      return std::nullopt;
    }
    at += (*header)->size;
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fog::ByteView in(data, size);
  (void)fog::media::FindChild(in, fog::media::MakeFourCc("moov"));
  fog::Result<fog::media::InitInfo> init = fog::media::InspectInit(in);
  if (init.ok()) {
    for (const auto& t : init->tracks) {
      if (init->Find(t.track_id) == nullptr) __builtin_trap();
    }
  }
  (void)fog::media::InspectFragmentAlone(in);
  if (std::optional<size_t> moof = FirstMoof(in)) {
    init = fog::media::InspectInit(in.subspan(0, *moof));
    if (init.ok()) {
      fog::Result<fog::media::FragmentInfo> fragment =
          fog::media::InspectFragment(in.subspan(*moof), *init);
      if (fragment.ok()) {
        for (const auto& t : fragment->tracks) {
          (void)fog::media::Seconds(t.duration, init->Find(t.track_id));
        }
      }
    }
  }
  return 0;
}
