#include "media/fmp4_splitter.h"

#include <fmt/format.h>

namespace fog::media {

namespace {

constexpr FourCc kMoov = MakeFourCc("moov");
constexpr FourCc kMoof = MakeFourCc("moof");
constexpr FourCc kMdat = MakeFourCc("mdat");
constexpr FourCc kMfra = MakeFourCc("mfra");

// Boxes that may open a fragment ahead of its moof (ISO/IEC 14496-12 8.16,
// ISO/IEC 23009-1 5.10.3): they belong to the fragment that follows.
bool IsFragmentPrefix(FourCc type) {
  return type == MakeFourCc("styp") || type == MakeFourCc("sidx") ||
         type == MakeFourCc("prft") || type == MakeFourCc("emsg");
}

constexpr char kNotFragmented[] =
    "not a fragmented MP4 (ffmpeg needs -movflags frag_keyframe+empty_moov)";

}  // namespace

Fmp4Splitter::Fmp4Splitter(SplitterOptions options) : options_(options) {}

Status Fmp4Splitter::Fail(Status status) {
  status_ = std::move(status);
  return status_;
}

Result<Fmp4Splitter::Route> Fmp4Splitter::RouteBox(const BoxHeader& h) const {
  const FourCc t = h.type;
  const std::string where = fmt::format("box '{}' at stream offset {}",
                                        FourCcName(t), reader_.offset());
  if (t == kMfra) return Route::kDrop;
  if (t == kMoov) {
    if (has_moov_) return Status::InvalidArgument(where + ": a second moov");
    if (in_fragments_) {
      return Status::InvalidArgument(where + ": moov after the fragments");
    }
    return Route::kCurrent;
  }
  if (!in_fragments_) {
    if (t == kMdat) {
      return Status::InvalidArgument(fmt::format(
          "{}: mdat {} the first moof: {}", where,
          has_moov_ ? "before" : "before the moov and", kNotFragmented));
    }
    if (t != kMoof && !IsFragmentPrefix(t)) return Route::kCurrent;
    if (!has_moov_) {
      return Status::InvalidArgument(where + ": a fragment before the moov");
    }
    return Route::kNewFragment;
  }
  const bool moof_waits_for_mdat = has_moof_ && !has_mdat_;
  if (t == kMdat) {
    if (!has_moof_) {
      return Status::InvalidArgument(where + ": mdat without a moof");
    }
    return Route::kCurrent;
  }
  if (t == kMoof || IsFragmentPrefix(t)) {
    if (moof_waits_for_mdat) {
      return Status::InvalidArgument(fmt::format(
          "{}: packet {} has a moof without mdat", where, emitted_ + 1));
    }
    return has_mdat_ ? Route::kNewFragment : Route::kCurrent;
  }
  return has_mdat_ ? Route::kTrailer : Route::kCurrent;
}

Status Fmp4Splitter::CheckLimit(const BoxHeader& h, Route route) const {
  uint64_t size = h.size;
  int64_t number = emitted_ + 1;
  switch (route) {
    case Route::kCurrent:
      size += pending_.size() + (h.type == kMdat ? trailer_.size() : 0);
      break;
    case Route::kNewFragment:
      size += trailer_.size();
      number = emitted_ + 2;
      break;
    case Route::kTrailer:
      size += trailer_.size();
      number = emitted_ + 2;
      break;
    case Route::kDrop:
      break;
  }
  if (size <= options_.max_packet_bytes) return Status::OK();
  if (route == Route::kDrop) {
    return Status::InvalidArgument(fmt::format(
        "box '{}' of {} bytes at stream offset {} exceeds the maximum packet "
        "size of {} bytes",
        FourCcName(h.type), h.size, reader_.offset(),
        options_.max_packet_bytes));
  }
  return Status::InvalidArgument(fmt::format(
      "packet {} ({}) would be at least {} bytes (box '{}' of {} bytes at "
      "stream offset {}), over the maximum packet size of {} bytes; cut "
      "shorter fragments (more keyframes, e.g. --transcode) or raise the limit",
      number, number == 1 ? "init segment" : "fragment", size,
      FourCcName(h.type), h.size, reader_.offset(), options_.max_packet_bytes));
}

void Fmp4Splitter::Emit(std::vector<MediaPacket>* out) {
  ++emitted_;
  out->push_back({emitted_,
                  emitted_ == 1 ? PacketKind::kInit : PacketKind::kFragment,
                  std::move(pending_)});
  pending_.clear();
  has_moof_ = has_mdat_ = false;
}

void Fmp4Splitter::Apply(Route route, FourCc type,
                         std::vector<MediaPacket>* out) {
  if (route == Route::kNewFragment) {
    Emit(out);
    in_fragments_ = true;
    pending_ = std::move(trailer_);  // stray boxes join the next fragment
    trailer_.clear();
  } else if (route == Route::kCurrent && type == kMdat && !trailer_.empty()) {
    // moof mdat free mdat: the free box stays where it was.
    pending_.insert(pending_.end(), trailer_.begin(), trailer_.end());
    trailer_.clear();
  }
  if (type == kMoov) has_moov_ = true;
  if (type == kMoof) has_moof_ = true;
  if (type == kMdat) has_mdat_ = true;
}

Status Fmp4Splitter::Feed(ByteView data, std::vector<MediaPacket>* out) {
  if (!status_.ok()) return status_;
  reader_.Append(data);
  for (;;) {
    Result<std::optional<BoxHeader>> header = reader_.PeekHeader();
    if (!header.ok()) return Fail(header.status());
    if (!header->has_value()) return Status::OK();
    const BoxHeader h = **header;
    Result<Route> route = RouteBox(h);
    if (!route.ok()) return Fail(route.status());
    if (Status s = CheckLimit(h, *route); !s.ok()) return Fail(s);
    if (h.size > reader_.buffered()) return Status::OK();  // wait for the rest

    Apply(*route, h.type, out);
    Bytes* dest = *route == Route::kTrailer ? &trailer_
                  : *route == Route::kDrop  ? &scratch_
                                            : &pending_;
    Result<std::optional<BoxHeader>> taken = reader_.Next(dest);
    if (!taken.ok()) return Fail(taken.status());
    if (*route == Route::kDrop) {
      dropped_bytes_ += scratch_.size();
      scratch_.clear();
    }
  }
}

Status Fmp4Splitter::Finish(std::vector<MediaPacket>* out) {
  if (!status_.ok()) return status_;
  if (reader_.buffered() > 0) {
    Result<std::optional<BoxHeader>> h = reader_.PeekHeader();
    std::string what =
        h.ok() && h->has_value()
            ? fmt::format("inside box '{}' ({} of {} bytes)",
                          FourCcName((*h)->type), reader_.buffered(),
                          (*h)->size)
            : fmt::format("with {} bytes of a box header", reader_.buffered());
    return Fail(Status::InvalidArgument(
        fmt::format("truncated stream: it ends at offset {} {}",
                    reader_.offset() + reader_.buffered(), what)));
  }
  if (!has_moov_) {
    return Fail(Status::InvalidArgument(
        "the stream has no moov box (empty, or not an MP4 stream)"));
  }
  if (!in_fragments_) {
    return Fail(Status::InvalidArgument(
        "the stream has no media fragment after its init segment"));
  }
  if (!has_mdat_) {
    return Fail(Status::InvalidArgument(fmt::format(
        "packet {} is a fragment {} at the end of the stream", emitted_ + 1,
        has_moof_ ? "with a moof but no mdat" : "without moof")));
  }
  dropped_bytes_ += trailer_.size();
  trailer_.clear();
  Emit(out);
  status_ = Status::InvalidArgument("Finish() was already called");
  return Status::OK();
}

}  // namespace fog::media
