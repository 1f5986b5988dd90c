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

Journal::Journal(std::string dir, JournalOptions options)
    : dir_(std::move(dir)), options_(options) {}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

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
  if (Status s = j->StartFile(j->file_number_ + 1); !s.ok()) return s;
  j->DeleteSettledFiles();
  return j;
}

Status Journal::Replay(JournalReplay* replay) {
  Result<std::vector<uint64_t>> files = ListFiles(dir_);
  if (!files.ok()) return files.status();
  std::map<PacketKey, size_t> index;  // key -> position in replay->unsettled
  for (uint64_t number : *files) {
    Result<Bytes> data = ReadFile(FilePath(number));
    if (!data.ok()) return data.status();
    file_number_ = number;
    file_unsettled_[number] = 0;
    size_t pos = 0;
    while (pos < data->size()) {
      const size_t left = data->size() - pos;
      const uint8_t* h = data->data() + pos;
      const uint32_t length =
          left >= kHeaderBytes ? static_cast<uint32_t>(GetLe(h + 4, 4)) : 0;
      if (left < kHeaderBytes || length > kMaxBodyBytes ||
          left - kHeaderBytes < length ||
          crc32c::Unmask(static_cast<uint32_t>(GetLe(h, 4))) !=
              crc32c::Value({h + 4, kHeaderBytes - 4 + length})) {
        replay->dropped_bytes += left;
        spdlog::error("journal {}: {} bytes at offset {} fail their checks",
                      FilePath(number), left, pos);
        break;
      }
      Reader body({h + kHeaderBytes, length});
      PacketKey key;
      bool ok = body.Str(&key.first) && body.I64(&key.second);
      if (ok && h[8] == kPacketRecord) {
        if (!index.contains(key)) {
          index[key] = replay->unsettled.size();
          ByteView payload = body.Rest();
          replay->unsettled.push_back(
              {key, Bytes(payload.begin(), payload.end())});
          unsettled_[key] = number;
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
            --file_unsettled_[it->second];
            unsettled_.erase(it);
          }
          index.erase(key);
          replay->settled.push_back({key, std::move(holders)});
        }
      }
      if (!ok) {
        spdlog::error("journal {}: unreadable record at offset {}",
                      FilePath(number), pos);
      }
      pos += kHeaderBytes + length;
    }
  }
  // Keep arrival order, without the packets settled later on.
  std::vector<JournalReplay::Packet> still;
  for (auto& p : replay->unsettled) {
    if (unsettled_.contains(p.key)) still.push_back(std::move(p));
  }
  replay->unsettled = std::move(still);
  return Status::OK();
}

Status Journal::StartFile(uint64_t number) {
  const std::string path = FilePath(number);
  int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("journal " + path);
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  file_number_ = number;
  file_size_ = 0;
  file_unsettled_.try_emplace(number, 0);
  return Status::OK();
}

Status Journal::Append(uint8_t type, ByteView body, ByteView tail) {
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
  // tear it.
  iovec parts[3] = {{header, kHeaderBytes},
                    {const_cast<uint8_t*>(body.data()), body.size()},
                    {const_cast<uint8_t*>(tail.data()), tail.size()}};
  iovec* next = parts;
  int count = 3;
  while (count > 0) {
    ssize_t n = ::writev(fd_, next, count);
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
  file_size_ += kHeaderBytes + length;
  return Status::OK();
}

Status Journal::Received(const PacketKey& key, ByteView payload) {
  if (unsettled_.contains(key)) return Status::OK();
  if (payload.size() > kMaxBodyBytes - 512) {
    return Status::InvalidArgument("journal: packet too large");
  }
  Writer w;
  w.Str(key.first);
  w.I64(key.second);
  if (Status s = Append(kPacketRecord, w.out, payload); !s.ok()) return s;
  unsettled_[key] = file_number_;
  ++file_unsettled_[file_number_];
  return Status::OK();
}

Status Journal::Settled(const PacketKey& key,
                        const std::vector<std::string>& holders) {
  auto it = unsettled_.find(key);
  if (it == unsettled_.end()) return Status::OK();
  Writer w;
  w.Str(key.first);
  w.I64(key.second);
  w.U16(static_cast<uint16_t>(holders.size()));
  for (const std::string& h : holders) w.Str(h);
  if (Status s = Append(kSettledRecord, w.out); !s.ok()) return s;
  --file_unsettled_[it->second];
  unsettled_.erase(it);
  DeleteSettledFiles();
  return Status::OK();
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
