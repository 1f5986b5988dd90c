#include "master/journal.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <utility>

#include "common/crc32c.h"

namespace fog::master {

namespace {

constexpr uint8_t kPacketRecord = 1;
constexpr uint8_t kSettledRecord = 2;
constexpr size_t kHeaderBytes = 9;              // crc, length, type
constexpr uint32_t kMaxBodyBytes = 256u << 20;  // far above any packet

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

// Little-endian encoding of the record bodies.
class Writer {
 public:
  void U16(uint16_t v) { Le(v, 2); }
  void U32(uint32_t v) { Le(v, 4); }
  void I64(int64_t v) { Le(static_cast<uint64_t>(v), 8); }
  void Str(std::string_view s) {
    U16(static_cast<uint16_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  Bytes out;

 private:
  void Le(uint64_t v, int n) {
    out.resize(out.size() + n);
    PutLe(out.data() + out.size() - n, v, n);
  }
};

class Reader {
 public:
  explicit Reader(ByteView b) : b_(b) {}
  bool U16(uint16_t* v) { return Le(v, 2); }
  bool U32(uint32_t* v) { return Le(v, 4); }
  bool I64(int64_t* v) {
    uint64_t u;
    if (!Le(&u, 8)) return false;
    *v = static_cast<int64_t>(u);
    return true;
  }
  bool Str(std::string* s) {
    uint16_t n;
    if (!U16(&n) || b_.size() - pos_ < n) return false;
    s->assign(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  ByteView Rest() const { return b_.subspan(pos_); }
  bool AtEnd() const { return pos_ == b_.size(); }

 private:
  template <typename T>
  bool Le(T* v, int n) {
    if (b_.size() - pos_ < static_cast<size_t>(n)) return false;
    *v = static_cast<T>(GetLe(b_.data() + pos_, n));
    pos_ += n;
    return true;
  }
  ByteView b_;
  size_t pos_ = 0;
};

// Reads exactly `n` bytes at `offset`; IoError on a short read.
Status PreadAll(int fd, uint8_t* out, size_t n, uint64_t offset) {
  while (n > 0) {
    const ssize_t got = ::pread(fd, out, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Errno("journal read");
    if (got == 0) return Status::IoError("journal read: unexpected end");
    out += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return Status::OK();
}

// The journal files in `dir`, by number.
Result<std::vector<uint64_t>> ListFiles(const std::string& dir) {
  std::vector<uint64_t> numbers;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    unsigned long long n = 0;
    char tail = 0;
    if (std::sscanf(name.c_str(), "journal-%llu.lo%c", &n, &tail) == 2 &&
        tail == 'g' &&
        name.size() == std::string("journal-000000.log").size()) {
      numbers.push_back(n);
    }
  }
  if (ec) return Status::IoError("journal " + dir + ": " + ec.message());
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

}  // namespace

struct Journal::File {
  explicit File(int descriptor) : fd(descriptor) {}
  ~File() { ::close(fd); }
  const int fd;
};

Journal::Journal(std::string dir, JournalOptions options)
    : dir_(std::move(dir)), options_(options) {}

Journal::~Journal() = default;

std::string Journal::FilePath(uint64_t number) const {
  char name[32];
  std::snprintf(name, sizeof name, "journal-%06llu.log",
                static_cast<unsigned long long>(number));
  return dir_ + "/" + name;
}

Result<std::unique_ptr<Journal>> Journal::Open(const std::string& dir,
                                               JournalOptions options,
                                               JournalReplay* replay) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("journal " + dir + ": " + ec.message());
  std::unique_ptr<Journal> j(new Journal(dir, options));
  *replay = {};
  if (Status s = j->Replay(replay); !s.ok()) return s;
  // Append to a fresh file: never after a tail that failed its checks.
  {
    std::lock_guard<std::mutex> lock(j->mu_);
    if (Status s = j->StartFile(j->file_number_ + 1); !s.ok()) return s;
    j->DeleteSettledFiles();
  }
  return j;
}

Status Journal::Replay(JournalReplay* replay) {
  Result<std::vector<uint64_t>> files = ListFiles(dir_);
  if (!files.ok()) return files.status();
  std::map<PacketKey, size_t> index;  // key -> position in replay->unsettled
  for (uint64_t number : *files) {
    if (Status s = ReplayFile(number, &index, replay); !s.ok()) return s;
  }
  // Keep arrival order, without the packets settled later on.
  std::vector<JournalReplay::Packet> still;
  for (auto& p : replay->unsettled) {
    if (unsettled_.contains(p.key)) still.push_back(std::move(p));
  }
  replay->unsettled = std::move(still);
  return Status::OK();
}

// Reads record by record, so that replay holds one record in memory
// whatever the journal's size.
Status Journal::ReplayFile(uint64_t number, std::map<PacketKey, size_t>* index,
                           JournalReplay* replay) {
  const std::string path = FilePath(number);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("journal " + path);
  File file(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return Errno("journal " + path);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  file_number_ = number;
  file_unsettled_[number] = 0;
  Bytes record;
  uint64_t pos = 0;
  while (pos < size) {
    const uint64_t left = size - pos;
    uint8_t h[kHeaderBytes];
    uint32_t length = 0;
    bool intact = left >= kHeaderBytes;
    if (intact) {
      if (Status s = PreadAll(fd, h, kHeaderBytes, pos); !s.ok()) return s;
      length = static_cast<uint32_t>(GetLe(h + 4, 4));
      intact = length <= kMaxBodyBytes && left - kHeaderBytes >= length;
    }
    if (intact) {
      record.resize(length);
      if (Status s = PreadAll(fd, record.data(), length, pos + kHeaderBytes);
          !s.ok()) {
        return s;
      }
      const uint32_t crc =
          crc32c::Extend(crc32c::Value({h + 4, kHeaderBytes - 4}), record);
      intact = crc32c::Unmask(static_cast<uint32_t>(GetLe(h, 4))) == crc;
    }
    if (!intact) {
      replay->dropped_bytes += left;
      spdlog::error("journal {}: {} bytes at offset {} fail their checks", path,
                    left, pos);
      break;
    }
    Reader body(record);
    PacketKey key;
    bool ok = body.Str(&key.first) && body.I64(&key.second);
    if (ok && h[8] == kPacketRecord) {
      if (!index->contains(key)) {
        const JournalLocation where{
            .file = number,
            .offset = pos,
            .body_bytes = length,
            .payload_bytes = static_cast<uint32_t>(body.Rest().size())};
        (*index)[key] = replay->unsettled.size();
        replay->unsettled.push_back({key, where});
        unsettled_[key] = where;
        ++file_unsettled_[number];
      }
    } else if (ok && h[8] == kSettledRecord) {
      uint16_t count = 0;
      std::vector<std::string> holders;
      ok = body.U16(&count);
      for (uint16_t i = 0; ok && i < count; ++i) {
        ok = body.Str(&holders.emplace_back());
      }
      if (ok) {
        if (auto it = unsettled_.find(key); it != unsettled_.end()) {
          --file_unsettled_[it->second.file];
          unsettled_.erase(it);
        }
        index->erase(key);
        replay->settled.push_back({key, std::move(holders)});
      }
    }
    if (!ok) {
      spdlog::error("journal {}: unreadable record at offset {}", path, pos);
    }
    pos += kHeaderBytes + length;
  }
  return Status::OK();
}

Status Journal::StartFile(uint64_t number) {
  const std::string path = FilePath(number);
  int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("journal " + path);
  // The previous file's unsynced tail is synced with the next round.
  if (file_) retired_.push_back(std::move(file_));
  file_ = std::make_shared<File>(fd);
  dir_dirty_ = true;
  file_number_ = number;
  file_size_ = 0;
  file_unsettled_.try_emplace(number, 0);
  return Status::OK();
}

Result<uint64_t> Journal::Append(uint8_t type, ByteView body, ByteView tail) {
  const size_t length = body.size() + tail.size();
  if (file_size_ > 0 &&
      file_size_ + kHeaderBytes + length > options_.file_bytes) {
    if (Status s = StartFile(file_number_ + 1); !s.ok()) return s;
  }
  uint8_t header[kHeaderBytes];
  PutLe(header + 4, length, 4);
  header[8] = type;
  uint32_t crc = crc32c::Value({header + 4, kHeaderBytes - 4});
  crc = crc32c::Extend(crc32c::Extend(crc, body), tail);
  PutLe(header, crc32c::Mask(crc), 4);
  // One writev() per record, the payload not copied: a process killed
  // mid-call leaves the record whole or absent; only a machine crash can
  // tear it, and then only a record no sync covered yet.
  iovec parts[3] = {{header, kHeaderBytes},
                    {const_cast<uint8_t*>(body.data()), body.size()},
                    {const_cast<uint8_t*>(tail.data()), tail.size()}};
  iovec* next = parts;
  int count = 3;
  while (count > 0) {
    ssize_t n = ::writev(file_->fd, next, count);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("journal write");
    for (size_t done = static_cast<size_t>(n); count > 0;) {  // skip written
      if (done < next->iov_len) {
        next->iov_base = static_cast<uint8_t*>(next->iov_base) + done;
        next->iov_len -= done;
        break;
      }
      done -= next->iov_len;
      ++next;
      --count;
    }
  }
  const uint64_t at = file_size_;
  file_size_ += kHeaderBytes + length;
  ++written_;
  return at;
}

Result<Journal::Appended> Journal::Received(const PacketKey& key,
                                            ByteView payload) {
  if (payload.size() > kMaxBodyBytes - 512) {
    return Status::InvalidArgument("journal: packet too large");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = unsettled_.find(key); it != unsettled_.end()) {
    // Already written; wait for whatever is written so far (it may be the
    // record of a sync still running).
    return Appended{it->second, written_};
  }
  Writer w;
  w.Str(key.first);
  w.I64(key.second);
  Result<uint64_t> at = Append(kPacketRecord, w.out, payload);
  if (!at.ok()) return at.status();
  const JournalLocation where{
      .file = file_number_,
      .offset = *at,
      .body_bytes = static_cast<uint32_t>(w.out.size() + payload.size()),
      .payload_bytes = static_cast<uint32_t>(payload.size())};
  unsettled_[key] = where;
  ++file_unsettled_[file_number_];
  return Appended{where, written_};
}

Status Journal::Settled(const PacketKey& key,
                        const std::vector<std::string>& holders) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = unsettled_.find(key);
  if (it == unsettled_.end()) return Status::OK();
  Writer w;
  w.Str(key.first);
  w.I64(key.second);
  w.U16(static_cast<uint16_t>(holders.size()));
  for (const std::string& h : holders) w.Str(h);
  if (Result<uint64_t> at = Append(kSettledRecord, w.out); !at.ok()) {
    return at.status();
  }
  --file_unsettled_[it->second.file];
  unsettled_.erase(it);
  DeleteSettledFiles();
  return Status::OK();
}

Status Journal::WaitDurable(uint64_t ticket) {
  std::unique_lock<std::mutex> lock(mu_);
  while (synced_ < ticket) {
    if (syncing_) {
      synced_cv_.wait(lock);
      continue;
    }
    // Nobody syncs: this thread does, for every record written so far.
    syncing_ = true;
    const uint64_t target = written_;
    std::vector<std::shared_ptr<File>> files = std::move(retired_);
    retired_.clear();
    files.push_back(file_);
    const bool dir = std::exchange(dir_dirty_, false);
    lock.unlock();
    if (options_.before_sync) options_.before_sync();
    Status s;
    if (options_.sync) {
      for (const auto& f : files) {
        if (::fdatasync(f->fd) != 0 && s.ok()) s = Errno("journal fdatasync");
      }
      if (dir && s.ok()) {
        const int dfd =
            ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || ::fsync(dfd) != 0) s = Errno("journal fsync " + dir_);
        if (dfd >= 0) ::close(dfd);
      }
    }
    lock.lock();
    if (options_.sync) ++fsyncs_;
    if (!s.ok()) {
      spdlog::error("{}", s.ToString());
      if (sync_error_.ok()) sync_error_ = s;
    }
    synced_ = target;
    syncing_ = false;
    synced_cv_.notify_all();
  }
  return sync_error_;
}

Result<std::shared_ptr<const std::string>> Journal::Read(
    const JournalLocation& where) const {
  const std::string path = FilePath(where.file);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("journal " + path);
  File file(fd);
  const size_t prefix = kHeaderBytes + where.body_bytes - where.payload_bytes;
  Bytes head(prefix);
  auto payload = std::make_shared<std::string>(where.payload_bytes, '\0');
  iovec parts[2] = {{head.data(), head.size()},
                    {payload->data(), payload->size()}};
  const ssize_t want = static_cast<ssize_t>(prefix + where.payload_bytes);
  ssize_t n;
  do {
    n = ::preadv(fd, parts, 2, static_cast<off_t>(where.offset));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Errno("journal read " + path);
  if (n != want || GetLe(head.data() + 4, 4) != where.body_bytes ||
      crc32c::Unmask(static_cast<uint32_t>(GetLe(head.data(), 4))) !=
          crc32c::Extend(crc32c::Value({head.data() + 4, prefix - 4}),
                         AsBytes(*payload))) {
    return Status::Corruption("journal " + path + ": the record at offset " +
                              std::to_string(where.offset) +
                              " fails its checks on reading back");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++readbacks_;
  }
  return std::shared_ptr<const std::string>(std::move(payload));
}

std::optional<JournalLocation> Journal::Find(const PacketKey& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = unsettled_.find(key);
  if (it == unsettled_.end()) return std::nullopt;
  return it->second;
}

size_t Journal::unsettled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unsettled_.size();
}

size_t Journal::files() const {
  std::lock_guard<std::mutex> lock(mu_);
  return file_unsettled_.size();
}

JournalStats Journal::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {.records = written_,
          .synced = synced_,
          .fsyncs = fsyncs_,
          .readbacks = readbacks_};
}

void Journal::DeleteSettledFiles() {
  while (file_unsettled_.size() > 1) {
    auto oldest = file_unsettled_.begin();
    if (oldest->second > 0 || oldest->first == file_number_) return;
    if (::unlink(FilePath(oldest->first).c_str()) != 0 && errno != ENOENT) {
      spdlog::warn("journal: cannot delete {}: {}", FilePath(oldest->first),
                   std::strerror(errno));
      return;
    }
    file_unsettled_.erase(oldest);
  }
}

}  // namespace fog::master
