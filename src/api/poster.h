// The poster frame of a video (GET /videos/{id}/poster.jpg): the first
// frame of its first fragment, as a JPEG at most 640 pixels wide, made by an
// ffmpeg child process.
//
// Thread-safety: reentrant (each call has its own temporary directory).

#ifndef FOG_API_POSTER_H_
#define FOG_API_POSTER_H_

#include <chrono>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::api {

// `init` and `fragment` are an fMP4 init segment and a media fragment.
// Errors: InvalidArgument (ffmpeg finds no frame: the reason is its last
// message), Unavailable (ffmpeg missing, or it ran past `timeout` and was
// killed), IoError (temporary files).
Result<Bytes> MakePosterWithFfmpeg(
    ByteView init, ByteView fragment,
    std::chrono::milliseconds timeout = std::chrono::seconds(15));

}  // namespace fog::api

#endif  // FOG_API_POSTER_H_
