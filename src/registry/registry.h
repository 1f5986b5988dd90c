// Registry: the fog's catalogue of videos and of which worker holds what.
//
// Workers report, per video, how many packets and bytes they hold; the
// registry keeps one row per (video, worker) and derives the video's status:
// "complete" once the total is known and the workers together hold at least
// that many packets, "live" otherwise. The API (src/api) serves this data.
//
// Storage is SQL through SOCI, opened from a connection URL. Only
// "sqlite3://PATH" is supported now; the schema and the queries are kept
// portable (bound parameters only, dialect differences confined to the DDL
// in migrations.cc) so MySQL and PostgreSQL can follow. The schema is created
// and upgraded at Open() from a versioned list of migrations recorded in the
// table schema_migrations.
//
// Thread-safety: a Registry is safe to use from many threads; every call is
// serialised on one database session.

#ifndef FOG_REGISTRY_REGISTRY_H_
#define FOG_REGISTRY_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace fog::registry {

enum class VideoStatus { kLive, kComplete };

// "live" or "complete".
std::string_view VideoStatusName(VideoStatus status);
// Parses "live" or "complete"; InvalidArgument otherwise.
Result<VideoStatus> ParseVideoStatus(std::string_view name);

// What one worker holds of one video.
struct WorkerHolding {
  std::string worker;
  int64_t packets = 0;
  int64_t bytes = 0;
  bool authenticated = false;  // the worker verified the publisher's signatures
  int64_t updated_at_ms = 0;   // Unix time, milliseconds
};

// A video as the registry knows it. Times are Unix milliseconds (UTC).
struct VideoRecord {
  int64_t id = 0;  // row id, stable, increasing with creation order
  std::string video_id;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::optional<int64_t> deleted_at_ms;  // set by DeleteVideo
  std::optional<std::string> publisher_key;
  int64_t total_packets = 0;  // 0 = not known yet
  // True when at least one worker holds the video and every holder reported
  // its packets as authenticated.
  bool authenticated = false;
  VideoStatus status = VideoStatus::kLive;
  int64_t packets = 0;  // sum over workers (replicas count once per worker)
  int64_t bytes = 0;    // sum over workers
  std::vector<WorkerHolding> workers;  // ordered by worker name
};

// A worker's report of what it holds of one video (POST /videos).
struct HoldingsReport {
  std::string video_id;       // must pass fog::wire::ValidateVideoId
  std::string worker;         // 1..128 bytes of printable ASCII, no space
  int64_t packets = 0;        // >= 0; 0 removes the worker's row
  int64_t bytes = 0;          // >= 0
  int64_t total_packets = 0;  // >= 0; 0 = unknown (keeps the stored total)
  std::string publisher_key;  // empty = unknown; else printable ASCII
  bool authenticated = false;
};

struct ListOptions {
  int limit = 100;                    // 1..kMaxListLimit
  int64_t offset = 0;                 // >= 0
  std::optional<VideoStatus> status;  // no value = any status
};

struct RegistryOptions {
  // Milliseconds since the Unix epoch; defaults to the system clock. Tests
  // inject a fake clock here.
  std::function<int64_t()> clock_ms;
  // How long SQLite waits for a lock held by another connection.
  int busy_timeout_ms = 5000;
};

inline constexpr int kMaxListLimit = 1000;
inline constexpr size_t kMaxWorkerNameBytes = 128;
inline constexpr size_t kMaxPublisherKeyBytes = 8192;
// Counts above 2^53 would lose precision in JavaScript clients.
inline constexpr int64_t kMaxCount = int64_t{1} << 53;

class Registry {
 public:
  // Opens (creating if needed) the database named by `url` and applies the
  // pending migrations. Supported: "sqlite3://PATH" (PATH may be
  // ":memory:"; it must not contain '='). Errors: InvalidArgument for a bad
  // or unsupported URL, IoError when the database cannot be opened or
  // migrated.
  static Result<std::unique_ptr<Registry>> Open(
      std::string_view url, RegistryOptions options = RegistryOptions());

  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry();

  // Creates the video if it does not exist (seed: GET /create); creating an
  // existing video is not an error and changes nothing. Errors:
  // InvalidArgument (bad id), NotFound (the video was deleted), IoError.
  Result<VideoRecord> CreateVideo(std::string_view video_id);

  // Records what `report.worker` holds of `report.video_id`, creating the
  // video if needed, and recomputes the video's status. A non-zero
  // total_packets replaces the stored total; the first non-empty
  // publisher_key is kept and a different one later is rejected. Errors:
  // InvalidArgument (bad field, packets > total_packets, publisher key
  // mismatch), NotFound (the video was deleted), IoError. On error nothing is
  // stored.
  Result<VideoRecord> ReportHoldings(const HoldingsReport& report);

  // Videos not deleted, ordered by id, with their holdings. Errors:
  // InvalidArgument (limit or offset out of range), IoError.
  Result<std::vector<VideoRecord>> ListVideos(const ListOptions& options);

  // One video that is not deleted. Errors: InvalidArgument, NotFound,
  // IoError.
  Result<VideoRecord> GetVideo(std::string_view video_id);

  // Soft delete: sets deleted_at; the video disappears from ListVideos and
  // GetVideo, and later reports or creations for it return NotFound (a
  // deleted id stays a tombstone). Errors: InvalidArgument, NotFound (no
  // such video or already deleted), IoError.
  Status DeleteVideo(std::string_view video_id);

  // The highest migration applied (for diagnostics and tests).
  Result<int> SchemaVersion();

 private:
  class Impl;
  explicit Registry(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

// Checks a worker name: 1..kMaxWorkerNameBytes bytes of printable ASCII
// without spaces.
Status ValidateWorkerName(std::string_view worker);

}  // namespace fog::registry

#endif  // FOG_REGISTRY_REGISTRY_H_
