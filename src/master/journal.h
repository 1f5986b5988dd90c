// Journal: the master's durable memory of the packets it has taken from the
// broker and not yet seen stored, so that a master killed at any moment
// loses none of them.
//
// The master appends a packet (key and payload) before it returns from the
// broker's delivery, that is before the broker counts the packet delivered
// (QoS 1 PUBACK), and a "settled" record (key and the workers that stored
// it) once every copy has been acknowledged or refused. On restart, Open()
// replays the files: packets without a settled record are dispatched again
// (the workers answer "duplicate" for copies they already hold), and the
// settled records tell the master where recent packets are.
//
// Files: <dir>/journal-NNNNNN.log, appended in order, a new one past
// `file_bytes`. A file is deleted once every packet recorded in it and in
// every older file is settled, so the journal stays as large as what is in
// flight. Records: [masked CRC32C of the rest: 4][body length: 4][type: 1]
// [body]; see docs/durability.md. A record that fails its checks ends the
// replay of its file there (a torn tail after a crash); the bytes past it
// are counted and dropped.
//
// The writes are not fsync()ed: the journal survives the master process's
// death (kill -9), which is what it is for; a crash of the master's machine
// may lose the newest records (docs/durability.md).
//
// Thread-safety: none; the master guards it with its own mutex.

#ifndef FOG_MASTER_JOURNAL_H_
#define FOG_MASTER_JOURNAL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "master/placements.h"

namespace fog::master {

struct JournalOptions {
  uint64_t file_bytes = 64u << 20;  // start a new file past this size
};

// What Open() found.
struct JournalReplay {
  struct Packet {
    PacketKey key;
    Bytes payload;
  };
  std::vector<Packet> unsettled;  // in arrival order
  struct Settled {
    PacketKey key;
    std::vector<std::string> holders;
  };
  std::vector<Settled> settled;  // oldest first
  uint64_t dropped_bytes = 0;    // past a record that failed its checks
};

class Journal {
 public:
  // Opens (creating) the journal in `dir` and replays it into `*replay`.
  // IoError if the directory or a file cannot be read or written.
  static Result<std::unique_ptr<Journal>> Open(const std::string& dir,
                                               JournalOptions options,
                                               JournalReplay* replay);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends a packet unless it is already unsettled here. IoError if the
  // write fails.
  Status Received(const PacketKey& key, ByteView payload);
  // Marks a packet settled (nothing if it is not unsettled here) and deletes
  // the files that hold nothing unsettled any more.
  Status Settled(const PacketKey& key, const std::vector<std::string>& holders);

  size_t unsettled() const { return unsettled_.size(); }
  size_t files() const { return file_unsettled_.size(); }

 private:
  Journal(std::string dir, JournalOptions options);
  Status Replay(JournalReplay* replay);
  // Writes one record whose body is `body` followed by `tail`.
  Status Append(uint8_t type, ByteView body, ByteView tail = {});
  Status StartFile(uint64_t number);
  void DeleteSettledFiles();
  std::string FilePath(uint64_t number) const;

  const std::string dir_;
  const JournalOptions options_;
  int fd_ = -1;
  uint64_t file_number_ = 0;
  uint64_t file_size_ = 0;
  std::map<PacketKey, uint64_t> unsettled_;    // key -> file it is in
  std::map<uint64_t, size_t> file_unsettled_;  // every file on disk
};

}  // namespace fog::master

#endif  // FOG_MASTER_JOURNAL_H_
