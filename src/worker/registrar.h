// Keeps the registry told what this worker holds: after packets are stored,
// the worker notes their video here, and a background thread posts each
// noted video's holdings to the API (POST /videos) at most every `period`.
// A failed post is retried on the next round; nothing blocks the caller.
//
// Thread-safety: Note() and Flush() may be called from any thread.

#ifndef FOG_WORKER_REGISTRAR_H_
#define FOG_WORKER_REGISTRAR_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "common/counters.h"
#include "common/status.h"
#include "worker/media_timing.h"
#include "worker/store/packet_store.h"

namespace httplib {
class Client;
}  // namespace httplib

namespace fog::worker {

struct RegistrarOptions {
  std::string api_url;  // e.g. http://127.0.0.1:8080; empty disables
  std::string token;    // bearer token for POST /videos
  std::string worker;   // this worker's name
  // For an https:// API: the CA its certificate must chain to (the fog
  // CA), and this worker's certificate and key for mutual TLS.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::chrono::milliseconds period{500};
};

class Registrar {
 public:
  Registrar(RegistrarOptions options, PacketStore& store, Counters& counters);
  ~Registrar();
  Registrar(const Registrar&) = delete;
  Registrar& operator=(const Registrar&) = delete;

  // Marks `video_id` for reporting; `publisher_key` is remembered (hex id).
  // For a packet stored without its timing (a repaired copy): the video's
  // packets not inspected yet are read back at its next report.
  void Note(const std::string& video_id, const std::string& publisher_key);
  // The same for a packet just stored, with the timing its intake read, so
  // that the packet is not read back from the store to learn it.
  void Note(const std::string& video_id, const std::string& publisher_key,
            int64_t packet_number, const VideoTiming& timing);
  // A total learnt from outside the packets (the seed's end of stream):
  // reported as the video's total when larger than its packets say. Bounded
  // (kMaxTotals; at the bound the smallest video id is forgotten, and its
  // registry row keeps the total it was sent).
  void SetTotal(const std::string& video_id, int64_t total);
  // Posts every noted video now (used at shutdown and by tests).
  Status Flush();

 private:
  void Run();
  void MarkDirty(const std::string& video_id, const std::string& key);
  Status Post(httplib::Client& client, const VideoSummary& summary);

  const RegistrarOptions options_;
  PacketStore& store_;
  Counters& counters_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> dirty_;
  std::map<std::string, std::string> publisher_keys_;
  static constexpr size_t kMaxTotals = 4096;
  std::map<std::string, int64_t> totals_;
  // The committer adds to timing_ while the registrar's thread (or a
  // Flush() at shutdown, on another) updates it.
  std::mutex timing_mu_;
  MediaTiming timing_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace fog::worker

#endif  // FOG_WORKER_REGISTRAR_H_
