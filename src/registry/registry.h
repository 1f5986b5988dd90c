// Registry: the fog's catalogue of videos and of which worker holds what.
//
// Workers report, per video, how many packets and bytes they hold; the
// registry keeps one row per (video, worker) and derives the video's status:
// "complete" once the total is known and the workers together hold at least
// that many packets, "live" otherwise. The API (src/api) serves this data.
//
// Workers also report, per track, where the fragments they hold end; the
// worker holding the init segment reports each track's timescale. The
// video's duration is the latest end over all tracks with a known timescale,
// so replicas of the same fragment never lengthen it.
//
// Storage is SQL through SOCI, opened from a connection URL: SQLite (the
// default), MariaDB/MySQL or PostgreSQL (db_url.h has the forms). The
// queries are written once for all three (bound parameters only; dialect
// differences confined to the DDL in migrations.cc). The schema is created
// and upgraded at Open() from a versioned list of migrations recorded in the
// table schema_migrations.
//
// Thread-safety: a Registry is safe to use from many threads; every call is
// serialised on one database session (see Registry::Impl for why not a
// pool). A call that finds the server connection lost reconnects once and,
// unless it is DeleteVideo, runs again; if that fails it returns IoError and
// the next call tries again.

#ifndef FOG_REGISTRY_REGISTRY_H_
#define FOG_REGISTRY_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/packet_ranges.h"
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
  PacketRanges ranges;         // which packets; empty if not reported
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
  // Distinct packets: the union of the workers' ranges, plus the counts of
  // workers that reported no ranges.
  int64_t packets = 0;
  int64_t copies = 0;                  // stored copies: the sum over workers
  int64_t bytes = 0;                   // sum over workers (every copy)
  std::vector<WorkerHolding> workers;  // ordered by worker name
  // Seconds: over the tracks whose timescale is known, the largest
  // (largest end_ticks any worker reported) / timescale. No value while no
  // track has both a timescale and a reported end.
  std::optional<double> duration_seconds;
};

// A worker's report of what it holds of one video (POST /videos).
struct HoldingsReport {
  std::string video_id;  // must pass fog::wire::ValidateVideoId
  std::string worker;    // 1..128 bytes of printable ASCII, no space
  int64_t packets = 0;   // >= 0; 0 removes the worker's row
  // Which packets (empty = not said); when given, they must count `packets`
  // and lie in 1..total_packets when that is known.
  PacketRanges ranges;
  int64_t bytes = 0;          // >= 0
  int64_t total_packets = 0;  // >= 0; 0 = unknown (keeps the stored total)
  std::string publisher_key;  // empty = unknown; else printable ASCII
  bool authenticated = false;
  // Track id (1..2^32-1) -> timescale (1..2^32-1) from the init segment's
  // mdhd boxes; sent only by the worker holding packet 1, empty otherwise.
  // Stored per video; a later report's value for a track replaces it.
  std::map<uint32_t, uint32_t> timescales;
  // Track id -> the largest end time, in that track's timescale units, of
  // the fragments this worker holds (tfdt baseMediaDecodeTime + the sum of
  // the sample durations), at most kMaxCount. Replaces this worker's
  // previous ends for the video; must be empty when packets == 0, which
  // removes them.
  std::map<uint32_t, uint64_t> track_end_ticks;
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
  // MySQL and PostgreSQL: how long connecting (or reconnecting) may take.
  int connect_timeout_s = 10;
};

inline constexpr int kMaxListLimit = 1000;
inline constexpr size_t kMaxWorkerNameBytes = 128;
inline constexpr size_t kMaxPublisherKeyBytes = 8192;
// Counts above 2^53 would lose precision in JavaScript clients.
inline constexpr int64_t kMaxCount = int64_t{1} << 53;
// Per report, for timescales and for track_end_ticks each.
inline constexpr size_t kMaxTracksPerReport = 64;
// Per report: a worker holding every other packet of a long video is
// already far past any real pattern.
inline constexpr size_t kMaxRangesPerReport = 100000;

class Registry {
 public:
  // Opens the database named by `url` and applies the pending migrations.
  // Supported:
  //   sqlite3://PATH (created if needed; PATH may be ":memory:"; no '=')
  //   mysql://USER:PASSWORD@HOST:PORT/DATABASE (or mariadb://)
  //   postgresql://USER:PASSWORD@HOST:PORT/DATABASE (or postgres://)
  // with percent-encoded user and password, and ?socket=PATH instead of
  // HOST:PORT for a unix socket (registry/db_url.h has the details). The
  // server database must exist. Errors: InvalidArgument for a bad or
  // unsupported URL, IoError when the database cannot be opened or
  // migrated. Messages never contain the password.
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

// `url` with its password replaced by "***", for logs; "(invalid registry
// URL)" when `url` does not parse.
std::string RedactDatabaseUrl(std::string_view url);

}  // namespace fog::registry

#endif  // FOG_REGISTRY_REGISTRY_H_
