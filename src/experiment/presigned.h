// The pre-signed packets of an experiment's streams, spilled to one file
// and read back at their slots, so that a run of a hundred 5 Mbit/s streams
// holds one packet per publisher in memory rather than gigabytes. The page
// cache keeps the file warm; a read is a copy out of it.
//
// Bound: the file may grow to the free space of its file system less a
// reserve (the fog under test writes into the same directory); Create
// refuses a run whose packets would not fit, naming both sizes.
//
// Thread-safety: Append from one thread before any Read; Read from any
// number of threads at once.

#ifndef FOG_EXPERIMENT_PRESIGNED_H_
#define FOG_EXPERIMENT_PRESIGNED_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::experiment {

class PresignedFile {
 public:
  // Where one packet is in the file.
  struct Ref {
    uint64_t offset = 0;
    uint32_t size = 0;
  };

  // Creates `path` (replacing any), for `expected_bytes` of packets.
  // InvalidArgument when they exceed the file system's free space less
  // `reserve_bytes`; IoError when the file cannot be made.
  static Result<std::unique_ptr<PresignedFile>> Create(const std::string& path,
                                                       uint64_t expected_bytes,
                                                       uint64_t reserve_bytes);
  ~PresignedFile();  // closes and removes the file

  PresignedFile(const PresignedFile&) = delete;
  PresignedFile& operator=(const PresignedFile&) = delete;

  Result<Ref> Append(ByteView packet);
  // Writes what was appended to the disk and waits for it, so that the
  // write-back of gigabytes does not compete with the fog's own syncs once
  // the run's clock starts. The pages stay cached for Read.
  Status Flush();
  Result<Bytes> Read(Ref ref) const;

  uint64_t size() const { return size_; }

 private:
  PresignedFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  const std::string path_;
  const int fd_;
  uint64_t size_ = 0;
};

}  // namespace fog::experiment

#endif  // FOG_EXPERIMENT_PRESIGNED_H_
