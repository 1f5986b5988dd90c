#include "registry/registry.h"

#include <fmt/core.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <exception>
#include <mutex>
#include <utility>

#include "registry/migrations.h"
#include "wire/envelope.h"

namespace fog::registry {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite3://";
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
  if (report.publisher_key.size() > kMaxPublisherKeyBytes ||
      !IsPrintableAscii(report.publisher_key)) {
    return Status::InvalidArgument(
        "publisher_key must be at most 8192 bytes of printable ASCII");
  }
  return Status::OK();
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
class Registry::Impl {
 public:
  Impl(std::unique_ptr<soci::session> sql, RegistryOptions options)
      : sql_(std::move(sql)), options_(std::move(options)) {
    if (!options_.clock_ms) options_.clock_ms = SystemClockMs;
  }

  // Runs fn under the lock and turns any exception from SOCI (or the
  // standard library) into an IoError naming the operation.
  template <typename Fn>
  auto Guarded(const char* what, Fn&& fn) -> decltype(fn()) {
    std::lock_guard<std::mutex> lock(mu_);
    try {
      return fn();
    } catch (const std::exception& e) {
      return Status::IoError(fmt::format("registry {}: {}", what, e.what()));
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

  // Fills record->workers and the sums derived from them.
  void LoadHoldingsLocked(VideoRecord* record) {
    std::string worker;
    long long packets = 0, bytes = 0, updated_at = 0;
    int authenticated = 0;
    soci::statement st =
        (sql().prepare << "SELECT worker, packets, bytes, authenticated,"
                          " updated_at FROM video_holdings"
                          " WHERE video_id = :v ORDER BY worker",
         soci::into(worker), soci::into(packets), soci::into(bytes),
         soci::into(authenticated), soci::into(updated_at),
         soci::use(record->video_id));
    st.execute();
    record->workers.clear();
    record->packets = 0;
    record->bytes = 0;
    while (st.fetch()) {
      record->workers.push_back(
          {worker, packets, bytes, authenticated != 0, updated_at});
      record->packets += packets;
      record->bytes += bytes;
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
    // UPDATE then INSERT instead of a dialect-specific upsert; the mutex (and
    // the transaction) keep the pair atomic for this process.
    soci::statement update =
        (sql().prepare << "UPDATE video_holdings SET packets = :p, bytes = :b,"
                          " authenticated = :a, updated_at = :u"
                          " WHERE video_id = :v AND worker = :w",
         soci::use(packets), soci::use(bytes), soci::use(authenticated),
         soci::use(now), soci::use(r.video_id), soci::use(r.worker));
    update.execute(true);
    if (update.get_affected_rows() > 0) return;
    sql() << "INSERT INTO video_holdings (video_id, worker, packets, bytes,"
             " authenticated, updated_at) VALUES (:v, :w, :p, :b, :a, :u)",
        soci::use(r.video_id), soci::use(r.worker), soci::use(packets),
        soci::use(bytes), soci::use(authenticated), soci::use(now);
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
  RegistryOptions options_;
};

Result<std::unique_ptr<Registry>> Registry::Open(std::string_view url,
                                                 RegistryOptions options) {
  if (url.rfind("mysql://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
    return Status::InvalidArgument(
        "only sqlite3:// registries are supported in this version");
  }
  if (url.rfind(kSqliteScheme, 0) != 0) {
    return Status::InvalidArgument("registry URL must be sqlite3://PATH");
  }
  std::string path(url.substr(kSqliteScheme.size()));
  // SOCI's sqlite3 backend reads a connect string holding '=' as key=value
  // options, so such a path would be misread.
  if (path.empty() || path.find('=') != std::string::npos) {
    return Status::InvalidArgument(
        "sqlite3 path must be non-empty and must not contain '='");
  }
  if (options.busy_timeout_ms < 0) {
    return Status::InvalidArgument("busy_timeout_ms must be >= 0");
  }
  if (!options.clock_ms) options.clock_ms = SystemClockMs;
  try {
    auto sql = std::make_unique<soci::session>(soci::sqlite3, path);
    auto* backend =
        static_cast<soci::sqlite3_session_backend*>(sql->get_backend());
    // Set through the C API: PRAGMA statements take no bound parameters.
    if (sqlite_api::sqlite3_busy_timeout(backend->conn_,
                                         options.busy_timeout_ms) != 0) {
      return Status::IoError("cannot set the SQLite busy timeout");
    }
    std::string mode;
    *sql << "PRAGMA journal_mode=WAL", soci::into(mode);
    if (mode != "wal" && path != ":memory:") {
      return Status::IoError("cannot switch SQLite to WAL mode: " + mode);
    }
    *sql << "PRAGMA synchronous=NORMAL";  // durable enough with WAL
    ApplyMigrations(*sql, SqliteDialect(), options.clock_ms());
    auto impl = std::make_unique<Impl>(std::move(sql), std::move(options));
    return std::unique_ptr<Registry>(new Registry(std::move(impl)));
  } catch (const std::exception& e) {
    return Status::IoError(
        fmt::format("cannot open registry {}: {}", path, e.what()));
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
  return impl_->Guarded("delete", [&] { return impl_->DeleteLocked(id); });
}

Result<int> Registry::SchemaVersion() {
  return impl_->Guarded("schema version", [&]() -> Result<int> {
    return CurrentSchemaVersion(impl_->sql());
  });
}

}  // namespace fog::registry
