// Journal: the master's durable memory of the packets it has taken from the
// broker and not yet seen stored, so that a master killed at any moment, or
// whose machine crashes, loses none of the packets it acknowledged.
//
// The master appends a packet (key and payload) and waits until it is on
// disk (Received(), then WaitDurable()) before it returns from the broker's
// delivery, that is before the broker counts the packet delivered (QoS 1
// PUBACK); a "settled" record (key and the workers that stored it) follows
// once every copy has been acknowledged or refused. On restart, Open()
// replays the files: packets without a settled record are dispatched again
// (the workers answer "duplicate" for copies they already hold), and the
// settled records tell the master where recent packets are.
//
// Group commit: records are written (writev) by the caller; a caller that
// waits for a record no sync covers yet runs fdatasync() itself unless a
// sync is running, and then waits for that one, and every record written
// while a sync runs is covered by the next one. So one sync serves every
// record written meanwhile, whichever threads wrote them, and a lone
// waiter (the master's MQTT thread) syncs without handing over to another
// thread and being woken again; a settled record is never waited for (losing
// one only sends a packet again, which a worker answers "duplicate") and rides
// along with the next packet's sync.
//
// Payloads are not kept in memory here: a packet's location is returned,
// and Read() reads its payload back (pread), checking the record's CRC.
//
// Files: <dir>/journal-NNNNNN.log, appended in order, a new one past
// `file_bytes` (the directory is synced too, so a new file survives a
// crash). A file is deleted once every packet recorded in it and in every
// older file is settled, so the journal stays as large as what is in
// flight. Records: [masked CRC32C of the rest: 4][body length: 4][type: 1]
// [body]; see docs/durability.md. A record that fails its checks ends the
// replay of its file there (a torn tail after a crash); the bytes past it
// are counted and dropped.
//
// Thread-safety: all methods may be called from any thread.

#ifndef FOG_MASTER_JOURNAL_H_
#define FOG_MASTER_JOURNAL_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "master/placements.h"

namespace fog::master {

struct JournalOptions {
  uint64_t file_bytes = 64u << 20;  // start a new file past this size
  // false: never fdatasync (WaitDurable returns at once); for measurements.
  bool sync = true;
  // Tests: runs on the syncing thread before each sync, outside the lock.
  std::function<void()> before_sync;
};

// Where a packet record is: enough to read its payload back.
struct JournalLocation {
  uint64_t file = 0;
  uint64_t offset = 0;         // of the record's header in its file
  uint32_t body_bytes = 0;     // key and payload
  uint32_t payload_bytes = 0;  // the payload, at the end of the body
};

// What Open() found.
struct JournalReplay {
  struct Packet {
    PacketKey key;
    JournalLocation where;  // Journal::Read() gives the payload
  };
  std::vector<Packet> unsettled;  // in arrival order
  struct Settled {
    PacketKey key;
    std::vector<std::string> holders;
  };
  std::vector<Settled> settled;  // oldest first
  uint64_t dropped_bytes = 0;    // past a record that failed its checks
};

struct JournalStats {
  uint64_t records = 0;    // written since Open
  uint64_t synced = 0;     // of those, covered by a completed fdatasync
  uint64_t fsyncs = 0;     // fdatasync rounds (each may cover many records)
  uint64_t readbacks = 0;  // payloads read back by Read()
};

class Journal {
 public:
  // Opens (creating) the journal in `dir` and replays it into `*replay`.
  // IoError if the directory or a file cannot be read or written.
  static Result<std::unique_ptr<Journal>> Open(const std::string& dir,
                                               JournalOptions options,
                                               JournalReplay* replay);
  // Syncs what was written, then closes.
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends a packet unless it is already unsettled here, and tells where
  // it is (the earlier record's place for a repeat) and the ticket to wait
  // on. IoError if the write fails.
  struct Appended {
    JournalLocation where;
    uint64_t ticket = 0;  // WaitDurable(ticket); 0: nothing to wait for
  };
  Result<Appended> Received(const PacketKey& key, ByteView payload);
  // Marks a packet settled (nothing if it is not unsettled here) and deletes
  // the files that hold nothing unsettled any more. Not waited for.
  Status Settled(const PacketKey& key, const std::vector<std::string>& holders);
  // Blocks until the record with `ticket`, and every record written before
  // it, is on disk. IoError if a sync failed (the record may be lost with
  // the machine; it is still in the page cache for the process).
  Status WaitDurable(uint64_t ticket);
  // Reads a packet's payload back and checks its record's CRC. Corruption
  // if it fails; IoError if the file cannot be read.
  Result<std::shared_ptr<const std::string>> Read(
      const JournalLocation& where) const;

  // The location of an unsettled packet, if it is one.
  std::optional<JournalLocation> Find(const PacketKey& key) const;
  size_t unsettled() const;
  size_t files() const;
  JournalStats stats() const;

 private:
  struct File;
  Journal(std::string dir, JournalOptions options);
  Status Replay(JournalReplay* replay);
  Status ReplayFile(uint64_t number, std::map<PacketKey, size_t>* index,
                    JournalReplay* replay);
  // Writes one record whose body is `body` followed by `tail`; returns where
  // its header starts. REQUIRES: mu_.
  Result<uint64_t> Append(uint8_t type, ByteView body, ByteView tail = {});
  Status StartFile(uint64_t number);  // REQUIRES: mu_ (or Open)
  void DeleteSettledFiles();          // REQUIRES: mu_
  std::string FilePath(uint64_t number) const;

  const std::string dir_;
  const JournalOptions options_;
  mutable std::mutex mu_;
  std::condition_variable synced_cv_;           // a sync completed
  std::shared_ptr<File> file_;                  // the file appended to
  std::vector<std::shared_ptr<File>> retired_;  // rolled, not yet synced
  bool dir_dirty_ = false;  // a file was created since the last sync
  uint64_t file_number_ = 0;
  uint64_t file_size_ = 0;
  uint64_t written_ = 0;  // records written (the last ticket)
  uint64_t synced_ = 0;   // records covered by a completed sync
  bool syncing_ = false;  // a waiter runs a sync
  uint64_t fsyncs_ = 0;
  mutable uint64_t readbacks_ = 0;
  Status sync_error_;  // the first failed sync, sticky
  std::map<PacketKey, JournalLocation> unsettled_;
  std::map<uint64_t, size_t> file_unsettled_;  // every file on disk
};

}  // namespace fog::master

#endif  // FOG_MASTER_JOURNAL_H_
