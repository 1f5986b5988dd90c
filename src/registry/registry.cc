#include "registry/registry.h"

#include <fmt/core.h>
#include <soci/soci.h>

#include <chrono>
#include <exception>
#include <mutex>
#include <utility>

#include "registry/db_url.h"
#include "registry/migrations.h"
#include "registry/session.h"
#include "wire/envelope.h"

namespace fog::registry {
namespace {

constexpr char kVideoColumns[] =
    "id, video_id, created_at, updated_at, deleted_at, publisher_key,"
    " total_packets, authenticated, status";

int64_t SystemClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsPrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// A driver's message on one line: libpq's end in a newline and may hold
// several.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out += "; ";
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';')) {
    out.pop_back();
  }
  return out;
}

// Receives one row of kVideoColumns. SOCI binds by reference, so the buffer
// must outlive the statement that fills it.
struct VideoRow {
  long long id = 0;
  std::string video_id;
  long long created_at = 0;
  long long updated_at = 0;
  long long deleted_at = 0;
  soci::indicator deleted_ind = soci::i_null;
  std::string publisher_key;
  soci::indicator key_ind = soci::i_null;
  long long total_packets = 0;
  int authenticated = 0;
  std::string status;

  template <typename Statement>
  void Bind(Statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(video_id));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
    st.exchange(soci::into(deleted_at, deleted_ind));
    st.exchange(soci::into(publisher_key, key_ind));
    st.exchange(soci::into(total_packets));
    st.exchange(soci::into(authenticated));
    st.exchange(soci::into(status));
  }

  VideoRecord ToRecord() const {
    VideoRecord r;
    r.id = id;
    r.video_id = video_id;
    r.created_at_ms = created_at;
    r.updated_at_ms = updated_at;
    if (deleted_ind == soci::i_ok) r.deleted_at_ms = deleted_at;
    if (key_ind == soci::i_ok) r.publisher_key = publisher_key;
    r.total_packets = total_packets;
    r.authenticated = authenticated != 0;
    r.status =
        status == "complete" ? VideoStatus::kComplete : VideoStatus::kLive;
    return r;
  }
};

Status ValidateTracks(const HoldingsReport& report) {
  if (report.timescales.size() > kMaxTracksPerReport ||
      report.track_end_ticks.size() > kMaxTracksPerReport) {
    return Status::InvalidArgument("at most 64 tracks per report");
  }
  for (const auto& [track, timescale] : report.timescales) {
    if (track == 0 || timescale == 0) {
      return Status::InvalidArgument(
          "track ids and timescales must be in [1, 2^32-1]");
    }
  }
  for (const auto& [track, ticks] : report.track_end_ticks) {
    if (track == 0) {
      return Status::InvalidArgument("track ids must be in [1, 2^32-1]");
    }
    if (ticks > static_cast<uint64_t>(kMaxCount)) {
      return Status::InvalidArgument("track end ticks must be at most 2^53");
    }
  }
  if (report.packets == 0 && !report.track_end_ticks.empty()) {
    return Status::InvalidArgument(
        "track_end_ticks must be empty when packets is 0");
  }
  return Status::OK();
}

Status ValidateReport(const HoldingsReport& report) {
  Status s = wire::ValidateVideoId(report.video_id);
  if (!s.ok()) return s;
  s = ValidateWorkerName(report.worker);
  if (!s.ok()) return s;
  if (report.packets < 0 || report.packets > kMaxCount || report.bytes < 0 ||
      report.bytes > kMaxCount || report.total_packets < 0 ||
      report.total_packets > kMaxCount) {
    return Status::InvalidArgument(
        "packets, bytes and total_packets must be in [0, 2^53]");
  }
  if (report.total_packets > 0 && report.packets > report.total_packets) {
    return Status::InvalidArgument("packets exceeds total_packets");
  }
  if (!report.ranges.empty()) {
    const int64_t limit =
        report.total_packets > 0 ? report.total_packets : kMaxCount;
    if (Status r = ValidateRanges(report.ranges, limit, kMaxRangesPerReport);
        !r.ok()) {
      return r;
    }
    if (CountOf(report.ranges) != report.packets) {
      return Status::InvalidArgument("ranges do not count packets");
    }
  }
  if (report.publisher_key.size() > kMaxPublisherKeyBytes ||
      !IsPrintableAscii(report.publisher_key)) {
    return Status::InvalidArgument(
        "publisher_key must be at most 8192 bytes of printable ASCII");
  }
  return ValidateTracks(report);
}

}  // namespace

std::string_view VideoStatusName(VideoStatus status) {
  return status == VideoStatus::kComplete ? "complete" : "live";
}

Result<VideoStatus> ParseVideoStatus(std::string_view name) {
  if (name == "live") return VideoStatus::kLive;
  if (name == "complete") return VideoStatus::kComplete;
  return Status::InvalidArgument("status must be \"live\" or \"complete\"");
}

std::string RedactDatabaseUrl(std::string_view url) {
  Result<DatabaseUrl> parsed = ParseDatabaseUrl(url);
  return parsed.ok() ? parsed->Redacted() : "(invalid registry URL)";
}

Status ValidateWorkerName(std::string_view worker) {
  if (worker.empty() || worker.size() > kMaxWorkerNameBytes ||
      !IsPrintableAscii(worker)) {
    return Status::InvalidArgument(
        "worker must be 1 to 128 bytes of printable ASCII without spaces");
  }
  return Status::OK();
}

// All SQL runs here, under mu_. Methods named *Locked throw soci_error; the
// public Registry methods catch at the boundary (see Guarded).
//
// One session behind a mutex rather than a soci::connection_pool: every call
// is a few short statements; SQLite serialises writers anyway; the API's
// load (a report per worker every few seconds, occasional listings) is far
// below what one connection serves; and the mutex keeps each
// read-check-write sequence (UPDATE, then INSERT when no row matched) atomic
// within this process on all three databases alike, where pooled
// connections would race to the INSERT under MySQL's and PostgreSQL's
// default isolation levels.
class Registry::Impl {
 public:
  Impl(std::unique_ptr<soci::session> sql, DatabaseUrl url,
       SessionOptions session_options, RegistryOptions options)
      : sql_(std::move(sql)),
        url_(std::move(url)),
        session_options_(session_options),
        options_(std::move(options)) {
    if (!options_.clock_ms) options_.clock_ms = SystemClockMs;
  }

  // Runs fn under the lock and turns any exception from SOCI (or the
  // standard library) into an IoError naming the operation. When the
  // server connection turns out to be lost, reconnects and, if `retry`,
  // runs fn once more: every operation but a delete is idempotent (a
  // report is a state, not a delta), so a commit whose answer was lost
  // does no harm when repeated.
  template <typename Fn>
  auto Guarded(const char* what, Fn&& fn, bool retry = true) -> decltype(fn()) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string error;
    try {
      return fn();
    } catch (const std::exception& e) {
      error = OneLine(e.what());
    }
    if (!ReconnectIfLostLocked()) {
      return Status::IoError(fmt::format("registry {}: {}", what, error));
    }
    if (!retry) {
      return Status::IoError(fmt::format(
          "registry {}: connection lost, reconnected: {}", what, error));
    }
    try {
      return fn();
    } catch (const std::exception& e) {
      return Status::IoError(fmt::format("registry {} (after reconnecting): {}",
                                         what, OneLine(e.what())));
    }
  }

  // True when the server connection was found lost and has been
  // re-established (and prepared again). SQLite has no connection to lose.
  bool ReconnectIfLostLocked() {
    if (url_.backend == Backend::kSqlite3 || sql_->is_connected()) {
      return false;
    }
    try {
      sql_->reconnect();
      PrepareSession(*sql_, url_, session_options_);
      return true;
    } catch (const std::exception&) {
      return false;  // the caller reports the original error
    }
  }

  soci::session& sql() { return *sql_; }
  int64_t Now() { return options_.clock_ms(); }

  // The video with this id, deleted or not, without its holdings.
  std::optional<VideoRecord> FindLocked(const std::string& video_id) {
    VideoRow row;
    soci::statement st(sql());
    st.alloc();
    row.Bind(st);
    st.exchange(soci::use(video_id));
    st.prepare(fmt::format("SELECT {} FROM videos WHERE video_id = :v",
                           kVideoColumns));
    st.define_and_bind();
    if (!st.execute(true)) return std::nullopt;
    return row.ToRecord();
  }

  // Fills record->workers, the sums derived from them and the duration.
  void LoadHoldingsLocked(VideoRecord* record) {
    LoadWorkersLocked(record);
    record->duration_seconds = LoadDurationLocked(record->video_id);
  }

  void LoadWorkersLocked(VideoRecord* record) {
    std::string worker, ranges;
    soci::indicator ranges_ind = soci::i_null;
    long long packets = 0, bytes = 0, updated_at = 0;
    int authenticated = 0;
    soci::statement st =
        (sql().prepare << "SELECT worker, packets, bytes, authenticated,"
                          " updated_at, ranges FROM video_holdings"
                          " WHERE video_id = :v ORDER BY worker",
         soci::into(worker), soci::into(packets), soci::into(bytes),
         soci::into(authenticated), soci::into(updated_at),
         soci::into(ranges, ranges_ind), soci::use(record->video_id));
    st.execute();
    record->workers.clear();
    record->packets = 0;
    record->copies = 0;
    record->bytes = 0;
    std::vector<PacketRanges> sets;
    while (st.fetch()) {
      WorkerHolding& w = record->workers.emplace_back(WorkerHolding{
          worker, packets, bytes, authenticated != 0, updated_at});
      // Written by this code from validated ranges; an unreadable value
      // counts as "not said".
      if (Result<PacketRanges> r =
              ParseRanges(ranges_ind == soci::i_ok ? ranges : std::string());
          r.ok() && CountOf(*r) == packets) {
        w.ranges = std::move(*r);
      }
      if (w.ranges.empty()) {
        record->packets += packets;
      } else {
        sets.push_back(w.ranges);
      }
      record->copies += packets;
      record->bytes += bytes;
    }
    record->packets += UnionCount(sets);
  }

  // Per track with a known timescale, the largest end any worker holds;
  // the largest of those, in seconds. A MAX, not a SUM, so that replicas of
  // a fragment on two workers count once.
  std::optional<double> LoadDurationLocked(const std::string& video_id) {
    long long timescale = 0, end_ticks = 0;
    soci::statement st =
        (sql().prepare << "SELECT t.timescale, MAX(h.end_ticks)"
                          " FROM video_tracks t JOIN holding_tracks h"
                          " ON h.video_id = t.video_id"
                          " AND h.track_id = t.track_id"
                          " WHERE t.video_id = :v"
                          " GROUP BY t.track_id, t.timescale",
         soci::into(timescale), soci::into(end_ticks), soci::use(video_id));
    st.execute();
    std::optional<double> duration;
    while (st.fetch()) {
      if (timescale <= 0) continue;  // validated on the way in
      double seconds =
          static_cast<double>(end_ticks) / static_cast<double>(timescale);
      if (!duration || seconds > *duration) duration = seconds;
    }
    return duration;
  }

  // Records the reported timescales (per video, replacing a track's
  // previous value) and replaces this worker's track ends.
  void StoreTracksLocked(const HoldingsReport& r) {
    long long track = 0, value = 0;
    if (!r.timescales.empty()) {
      soci::statement update =
          (sql().prepare << "UPDATE video_tracks SET timescale = :t"
                            " WHERE video_id = :v AND track_id = :k",
           soci::use(value), soci::use(r.video_id), soci::use(track));
      soci::statement insert =
          (sql().prepare << "INSERT INTO video_tracks"
                            " (video_id, track_id, timescale)"
                            " VALUES (:v, :k, :t)",
           soci::use(r.video_id), soci::use(track), soci::use(value));
      for (const auto& [id, timescale] : r.timescales) {
        track = id;
        value = timescale;
        update.execute(true);
        if (update.get_affected_rows() == 0) insert.execute(true);
      }
    }
    sql() << "DELETE FROM holding_tracks WHERE video_id = :v AND worker = :w",
        soci::use(r.video_id), soci::use(r.worker);
    if (r.track_end_ticks.empty()) return;
    soci::statement insert =
        (sql().prepare << "INSERT INTO holding_tracks"
                          " (video_id, worker, track_id, end_ticks)"
                          " VALUES (:v, :w, :k, :e)",
         soci::use(r.video_id), soci::use(r.worker), soci::use(track),
         soci::use(value));
    for (const auto& [id, end_ticks] : r.track_end_ticks) {
      track = id;
      value = static_cast<long long>(end_ticks);  // <= 2^53, validated
      insert.execute(true);
    }
  }

  void InsertVideoLocked(const std::string& video_id) {
    long long now = Now();
    sql() << "INSERT INTO videos (video_id, created_at, updated_at,"
             " total_packets, authenticated, status)"
             " VALUES (:v, :c, :u, 0, 0, 'live')",
        soci::use(video_id), soci::use(now), soci::use(now);
  }

  // Inserts, updates or (packets == 0) removes the worker's row.
  void StoreHoldingLocked(const HoldingsReport& r) {
    if (r.packets == 0) {
      sql() << "DELETE FROM video_holdings WHERE video_id = :v AND worker = :w",
          soci::use(r.video_id), soci::use(r.worker);
      return;
    }
    long long packets = r.packets, bytes = r.bytes, now = Now();
    int authenticated = r.authenticated ? 1 : 0;
    std::string ranges = FormatRanges(r.ranges);
    soci::indicator ranges_ind = r.ranges.empty() ? soci::i_null : soci::i_ok;
    // UPDATE then INSERT instead of a dialect-specific upsert; the mutex (and
    // the transaction) keep the pair atomic for this process.
    soci::statement update =
        (sql().prepare << "UPDATE video_holdings SET packets = :p, bytes = :b,"
                          " authenticated = :a, updated_at = :u, ranges = :r"
                          " WHERE video_id = :v AND worker = :w",
         soci::use(packets), soci::use(bytes), soci::use(authenticated),
         soci::use(now), soci::use(ranges, ranges_ind), soci::use(r.video_id),
         soci::use(r.worker));
    update.execute(true);
    if (update.get_affected_rows() > 0) return;
    sql() << "INSERT INTO video_holdings (video_id, worker, packets, bytes,"
             " authenticated, updated_at, ranges)"
             " VALUES (:v, :w, :p, :b, :a, :u, :r)",
        soci::use(r.video_id), soci::use(r.worker), soci::use(packets),
        soci::use(bytes), soci::use(authenticated), soci::use(now),
        soci::use(ranges, ranges_ind);
  }

  Result<VideoRecord> ReportLocked(const HoldingsReport& r) {
    soci::transaction tr(sql());
    std::optional<VideoRecord> found = FindLocked(r.video_id);
    if (found && found->deleted_at_ms) {
      return Status::NotFound("video was deleted");
    }
    if (found && found->publisher_key && !r.publisher_key.empty() &&
        *found->publisher_key != r.publisher_key) {
      return Status::InvalidArgument(
          "publisher_key differs from the key already registered");
    }
    if (!found) {
      InsertVideoLocked(r.video_id);
      found = FindLocked(r.video_id);
      if (!found) return Status::Internal("inserted video not found");
    }
    StoreHoldingLocked(r);
    StoreTracksLocked(r);
    VideoRecord v = std::move(*found);
    LoadHoldingsLocked(&v);
    if (r.total_packets > 0) v.total_packets = r.total_packets;
    if (!v.publisher_key && !r.publisher_key.empty()) {
      v.publisher_key = r.publisher_key;
    }
    v.authenticated = !v.workers.empty();
    for (const WorkerHolding& w : v.workers) {
      v.authenticated = v.authenticated && w.authenticated;
    }
    v.status = v.total_packets > 0 && v.packets >= v.total_packets
                   ? VideoStatus::kComplete
                   : VideoStatus::kLive;
    v.updated_at_ms = Now();

    long long updated_at = v.updated_at_ms, total = v.total_packets;
    int authenticated = v.authenticated ? 1 : 0;
    std::string status(VideoStatusName(v.status));
    std::string key = v.publisher_key.value_or("");
    soci::indicator key_ind = v.publisher_key ? soci::i_ok : soci::i_null;
    sql() << "UPDATE videos SET updated_at = :u, publisher_key = :k,"
             " total_packets = :t, authenticated = :a, status = :s"
             " WHERE id = :id",
        soci::use(updated_at), soci::use(key, key_ind), soci::use(total),
        soci::use(authenticated), soci::use(status), soci::use(v.id);
    tr.commit();
    return v;
  }

  Result<std::vector<VideoRecord>> ListLocked(const ListOptions& o) {
    std::vector<VideoRecord> out;
    long long limit = o.limit, offset = o.offset;
    std::string status(o.status ? VideoStatusName(*o.status) : "");
    VideoRow row;
    soci::statement st(sql());
    st.alloc();
    row.Bind(st);
    // Two fixed statements rather than SQL assembled around the filter.
    if (o.status) {
      st.exchange(soci::use(status));
      st.exchange(soci::use(limit));
      st.exchange(soci::use(offset));
      st.prepare(fmt::format(
          "SELECT {} FROM videos WHERE deleted_at IS NULL AND status = :s"
          " ORDER BY id LIMIT :l OFFSET :o",
          kVideoColumns));
    } else {
      st.exchange(soci::use(limit));
      st.exchange(soci::use(offset));
      st.prepare(
          fmt::format("SELECT {} FROM videos WHERE deleted_at IS NULL"
                      " ORDER BY id LIMIT :l OFFSET :o",
                      kVideoColumns));
    }
    st.define_and_bind();
    st.execute();
    while (st.fetch()) out.push_back(row.ToRecord());
    for (VideoRecord& v : out) LoadHoldingsLocked(&v);
    return out;
  }

  Result<VideoRecord> GetLocked(const std::string& video_id) {
    std::optional<VideoRecord> v = FindLocked(video_id);
    if (!v || v->deleted_at_ms) return Status::NotFound("no such video");
    LoadHoldingsLocked(&*v);
    return std::move(*v);
  }

  Status DeleteLocked(const std::string& video_id) {
    long long now = Now();
    soci::statement st =
        (sql().prepare << "UPDATE videos SET deleted_at = :d, updated_at = :u"
                          " WHERE video_id = :v AND deleted_at IS NULL",
         soci::use(now), soci::use(now), soci::use(video_id));
    st.execute(true);
    if (st.get_affected_rows() == 0) return Status::NotFound("no such video");
    return Status::OK();
  }

 private:
  std::mutex mu_;
  std::unique_ptr<soci::session> sql_;
  const DatabaseUrl url_;
  const SessionOptions session_options_;
  RegistryOptions options_;
};

Result<std::unique_ptr<Registry>> Registry::Open(std::string_view url,
                                                 RegistryOptions options) {
  Result<DatabaseUrl> parsed = ParseDatabaseUrl(url);
  if (!parsed.ok()) return parsed.status();
  if (options.busy_timeout_ms < 0 || options.connect_timeout_s < 0) {
    return Status::InvalidArgument(
        "busy_timeout_ms and connect_timeout_s must be >= 0");
  }
  if (!options.clock_ms) options.clock_ms = SystemClockMs;
  SessionOptions session_options{options.busy_timeout_ms,
                                 options.connect_timeout_s};
  try {
    std::unique_ptr<soci::session> sql = OpenSession(*parsed, session_options);
    ApplyMigrations(*sql, DialectFor(parsed->backend), options.clock_ms());
    auto impl = std::make_unique<Impl>(std::move(sql), *parsed, session_options,
                                       std::move(options));
    return std::unique_ptr<Registry>(new Registry(std::move(impl)));
  } catch (const std::exception& e) {
    // The redacted URL: the password stays out of messages and logs.
    return Status::IoError(fmt::format("cannot open registry {}: {}",
                                       parsed->Redacted(), OneLine(e.what())));
  }
}

Registry::Registry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Registry::~Registry() = default;

Result<VideoRecord> Registry::CreateVideo(std::string_view video_id) {
  Status valid = wire::ValidateVideoId(video_id);
  if (!valid.ok()) return valid;
  std::string id(video_id);
  return impl_->Guarded("create", [&]() -> Result<VideoRecord> {
    soci::transaction tr(impl_->sql());
    std::optional<VideoRecord> found = impl_->FindLocked(id);
    if (found && found->deleted_at_ms) {
      return Status::NotFound("video was deleted");
    }
    if (!found) impl_->InsertVideoLocked(id);
    Result<VideoRecord> v = impl_->GetLocked(id);
    tr.commit();
    return v;
  });
}

Result<VideoRecord> Registry::ReportHoldings(const HoldingsReport& report) {
  Status valid = ValidateReport(report);
  if (!valid.ok()) return valid;
  return impl_->Guarded("report", [&] { return impl_->ReportLocked(report); });
}

Result<std::vector<VideoRecord>> Registry::ListVideos(
    const ListOptions& options) {
  if (options.limit < 1 || options.limit > kMaxListLimit) {
    return Status::InvalidArgument("limit must be in [1, 1000]");
  }
  if (options.offset < 0 || options.offset > kMaxCount) {
    return Status::InvalidArgument("offset must be in [0, 2^53]");
  }
  return impl_->Guarded("list", [&] { return impl_->ListLocked(options); });
}

Result<VideoRecord> Registry::GetVideo(std::string_view video_id) {
  Status valid = wire::ValidateVideoId(video_id);
  if (!valid.ok()) return valid;
  std::string id(video_id);
  return impl_->Guarded("get", [&] { return impl_->GetLocked(id); });
}

Status Registry::DeleteVideo(std::string_view video_id) {
  Status valid = wire::ValidateVideoId(video_id);
  if (!valid.ok()) return valid;
  std::string id(video_id);
  // Not retried after a reconnect: a delete whose commit went through but
  // whose answer was lost would then report NotFound.
  return impl_->Guarded(
      "delete", [&] { return impl_->DeleteLocked(id); }, /*retry=*/false);
}

Result<int> Registry::SchemaVersion() {
  return impl_->Guarded("schema version", [&]() -> Result<int> {
    return CurrentSchemaVersion(impl_->sql());
  });
}

}  // namespace fog::registry
