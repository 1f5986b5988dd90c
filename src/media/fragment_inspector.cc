#include "media/fragment_inspector.h"

#include <fmt/format.h>

#include <optional>

#include "media/box.h"

namespace fog::media {

namespace {

// Full-box version/flags (ISO/IEC 14496-12 4.2).
struct FullBox {
  uint8_t version = 0;
  uint32_t flags = 0;
};

FullBox ReadFullBox(FieldReader& r) {
  FullBox f;
  f.version = r.U8();
  f.flags = r.U24();
  return f;
}

Status Truncated(const char* box) {
  return Status::Corruption(fmt::format("truncated '{}' box", box));
}

// tkhd (8.3.2): the track_ID follows the creation/modification times.
Result<uint32_t> ParseTkhd(ByteView payload) {
  FieldReader r(payload);
  FullBox f = ReadFullBox(r);
  r.Skip(f.version == 1 ? 16 : 8);
  uint32_t id = r.U32();
  if (!r.ok()) return Truncated("tkhd");
  return id;
}

// mdhd (8.4.2): the timescale follows the creation/modification times.
Result<uint32_t> ParseMdhd(ByteView payload) {
  FieldReader r(payload);
  FullBox f = ReadFullBox(r);
  r.Skip(f.version == 1 ? 16 : 8);
  uint32_t timescale = r.U32();
  if (!r.ok()) return Truncated("mdhd");
  if (timescale == 0) return Status::InvalidArgument("mdhd timescale is 0");
  return timescale;
}

// hdlr (8.4.3): pre_defined, then handler_type.
Result<std::string> ParseHdlr(ByteView payload) {
  FieldReader r(payload);
  ReadFullBox(r);
  r.Skip(4);
  uint32_t type = r.U32();
  if (!r.ok()) return Truncated("hdlr");
  return FourCcName(type);
}

Result<TrackInfo> ParseTrak(ByteView trak) {
  std::optional<BoxView> tkhd = FindChild(trak, MakeFourCc("tkhd"));
  std::optional<BoxView> mdia = FindChild(trak, MakeFourCc("mdia"));
  std::optional<BoxView> mdhd, hdlr;
  if (mdia) {
    mdhd = FindChild(mdia->payload, MakeFourCc("mdhd"));
    hdlr = FindChild(mdia->payload, MakeFourCc("hdlr"));
  }
  if (!tkhd || !mdhd || !hdlr) {
    return Status::InvalidArgument("a trak lacks tkhd, mdia/mdhd or mdia/hdlr");
  }
  Result<uint32_t> id = ParseTkhd(tkhd->payload);
  if (!id.ok()) return id.status();
  Result<uint32_t> timescale = ParseMdhd(mdhd->payload);
  if (!timescale.ok()) return timescale.status();
  Result<std::string> handler = ParseHdlr(hdlr->payload);
  if (!handler.ok()) return handler.status();
  return TrackInfo{*id, *timescale, *handler, 0};
}

// trex (8.8.3): track_ID, default description index, default duration.
void ApplyTrex(ByteView payload, InitInfo* info) {
  FieldReader r(payload);
  ReadFullBox(r);
  uint32_t id = r.U32();
  r.Skip(4);
  uint32_t duration = r.U32();
  if (!r.ok()) return;
  for (TrackInfo& t : info->tracks) {
    if (t.track_id == id) t.default_sample_duration = duration;
  }
}

// tfhd (8.8.7): track_ID and, by flag, the default sample duration.
struct Tfhd {
  uint32_t track_id = 0;
  std::optional<uint32_t> default_duration;
};

Result<Tfhd> ParseTfhd(ByteView payload) {
  FieldReader r(payload);
  FullBox f = ReadFullBox(r);
  Tfhd t;
  t.track_id = r.U32();
  if (f.flags & 0x000001) r.Skip(8);  // base-data-offset
  if (f.flags & 0x000002) r.Skip(4);  // sample-description-index
  if (f.flags & 0x000008) t.default_duration = r.U32();
  if (!r.ok()) return Truncated("tfhd");
  return t;
}

// tfdt (8.8.12): baseMediaDecodeTime, 32 or 64 bits by version.
Result<uint64_t> ParseTfdt(ByteView payload) {
  FieldReader r(payload);
  FullBox f = ReadFullBox(r);
  uint64_t t = f.version == 1 ? r.U64() : r.U32();
  if (!r.ok()) return Truncated("tfdt");
  return t;
}

// trun (8.8.8): adds its samples to `track`; durations missing from the
// trun come from `default_duration` (nullopt: unknown, an error then).
Status AddTrun(ByteView payload, std::optional<uint32_t> default_duration,
               TrackFragmentInfo* track) {
  FieldReader r(payload);
  FullBox f = ReadFullBox(r);
  uint32_t count = r.U32();
  if (f.flags & 0x000001) r.Skip(4);  // data-offset
  if (f.flags & 0x000004) r.Skip(4);  // first-sample-flags
  size_t per_sample = 0;
  for (uint32_t bit : {0x100u, 0x200u, 0x400u, 0x800u}) {
    if (f.flags & bit) per_sample += 4;
  }
  // Check the count against the bytes before looping, so a hostile count
  // cannot make us spin.
  if (!r.ok() || (per_sample > 0 && r.remaining() / per_sample < count)) {
    return Truncated("trun");
  }
  if (!(f.flags & 0x100)) {
    if (!default_duration && count > 0) {
      return Status::InvalidArgument(
          "sample durations come from the init segment's trex");
    }
    track->duration += uint64_t{count} * default_duration.value_or(0);
  } else {
    for (uint32_t i = 0; i < count; ++i) {
      track->duration += r.U32();
      r.Skip(per_sample - 4);
    }
  }
  track->sample_count += count;
  return Status::OK();
}

// `init` may be null: durations then come from the fragment alone.
Result<TrackFragmentInfo> ParseTraf(ByteView traf, const InitInfo* init) {
  std::optional<BoxView> tfhd_box = FindChild(traf, MakeFourCc("tfhd"));
  if (!tfhd_box) return Status::InvalidArgument("a traf has no tfhd");
  Result<Tfhd> tfhd = ParseTfhd(tfhd_box->payload);
  if (!tfhd.ok()) return tfhd.status();
  std::optional<uint32_t> default_duration = tfhd->default_duration;
  if (init != nullptr) {
    const TrackInfo* track = init->Find(tfhd->track_id);
    if (track == nullptr) {
      return Status::InvalidArgument(fmt::format(
          "the fragment refers to track {}, absent from the init segment",
          tfhd->track_id));
    }
    if (!default_duration) default_duration = track->default_sample_duration;
  }
  TrackFragmentInfo info;
  info.track_id = tfhd->track_id;
  BoxIterator it(traf);
  while (std::optional<BoxView> box = it.Next()) {
    if (box->type == MakeFourCc("tfdt")) {
      Result<uint64_t> t = ParseTfdt(box->payload);
      if (!t.ok()) return t.status();
      info.base_media_decode_time = *t;
      info.has_tfdt = true;
    } else if (box->type == MakeFourCc("trun")) {
      Status s = AddTrun(box->payload, default_duration, &info);
      if (!s.ok()) return s;
    }
  }
  if (!it.status().ok()) return it.status();
  return info;
}

}  // namespace

const TrackInfo* InitInfo::Find(uint32_t track_id) const {
  for (const TrackInfo& t : tracks) {
    if (t.track_id == track_id) return &t;
  }
  return nullptr;
}

Result<InitInfo> InspectInit(ByteView init_segment) {
  std::optional<BoxView> moov = FindChild(init_segment, MakeFourCc("moov"));
  if (!moov) return Status::InvalidArgument("the init segment has no moov box");
  InitInfo info;
  BoxIterator it(moov->payload);
  while (std::optional<BoxView> box = it.Next()) {
    if (box->type != MakeFourCc("trak")) continue;
    Result<TrackInfo> track = ParseTrak(box->payload);
    if (!track.ok()) return track.status();
    info.tracks.push_back(std::move(*track));
  }
  if (!it.status().ok()) return it.status();
  if (std::optional<BoxView> mvex =
          FindChild(moov->payload, MakeFourCc("mvex"))) {
    BoxIterator mit(mvex->payload);
    while (std::optional<BoxView> box = mit.Next()) {
      if (box->type == MakeFourCc("trex")) ApplyTrex(box->payload, &info);
    }
  }
  if (info.tracks.empty())
    return Status::InvalidArgument("the moov has no trak");
  return info;
}

namespace {

Result<FragmentInfo> InspectMoof(ByteView fragment, const InitInfo* init) {
  std::optional<BoxView> moof = FindChild(fragment, MakeFourCc("moof"));
  if (!moof) return Status::InvalidArgument("the fragment has no moof box");
  FragmentInfo info;
  BoxIterator it(moof->payload);
  while (std::optional<BoxView> box = it.Next()) {
    if (box->type != MakeFourCc("traf")) continue;
    Result<TrackFragmentInfo> traf = ParseTraf(box->payload, init);
    if (!traf.ok()) return traf.status();
    info.tracks.push_back(*traf);
  }
  if (!it.status().ok()) return it.status();
  return info;
}

}  // namespace

Result<FragmentInfo> InspectFragment(ByteView fragment, const InitInfo& init) {
  return InspectMoof(fragment, &init);
}

Result<FragmentInfo> InspectFragmentAlone(ByteView fragment) {
  return InspectMoof(fragment, nullptr);
}

double Seconds(uint64_t ticks, const TrackInfo* track) {
  if (track == nullptr || track->timescale == 0) return 0;
  return static_cast<double>(ticks) / track->timescale;
}

}  // namespace fog::media
