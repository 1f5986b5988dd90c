// A real crash: a child process Puts packets in a loop and reports each
// acknowledged key through a pipe; the parent SIGKILLs it at a random moment
// and checks that every acknowledged packet survived intact.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "worker/store/packet_store.h"
#include "worker/store/store_test_util.h"

namespace fog::worker {
namespace {

using testing::Payload;

StoreOptions Options() {
  StoreOptions o;
  o.segment_bytes = 512 << 10;  // several rollovers per round
  return o;
}

// Sizes vary so that kills land inside large writes as well as in fsync.
size_t SizeOf(int64_t n) {
  return 1000 + static_cast<size_t>(n * 7919 % 150000);
}

PacketMeta Meta(int64_t n) { return {"crash", n, 0, "native", true}; }

// The child: never returns. Acks are raw int64 packet numbers, written only
// after Put (or, every third round trip, a group-committed PutBatch of three)
// has returned.
[[noreturn]] void RunWriter(const std::string& dir, int64_t first, int ack_fd) {
  ::alarm(20);  // never outlive a parent that failed to kill us
  auto store = PacketStore::Open(dir, Options());
  if (!store.ok()) ::_exit(2);
  for (int64_t n = first;;) {
    const int count = n % 3 == 0 ? 3 : 1;
    std::vector<Bytes> payloads;
    std::vector<PacketStore::PutRequest> batch;
    for (int k = 0; k < count; ++k) {
      payloads.push_back(Payload(n + k, SizeOf(n + k)));
    }
    for (int k = 0; k < count; ++k) batch.push_back({Meta(n + k), payloads[k]});
    auto r = (*store)->PutBatch(batch);
    if (!r.ok()) ::_exit(3);
    for (int k = 0; k < count; ++k, ++n) {
      if ((*r)[k] == PutOutcome::kConflict) ::_exit(3);
      if (::write(ack_fd, &n, sizeof(n)) != sizeof(n)) ::_exit(4);
    }
  }
}

// Reads acks until EOF (the child is dead and the pipe drained).
void DrainAcks(int fd, std::set<int64_t>* acked) {
  int64_t n = 0;
  ssize_t got;
  while ((got = ::read(fd, &n, sizeof(n))) == sizeof(n)) acked->insert(n);
}

TEST(CrashTest, KillNineLosesNoAcknowledgedPacket) {
  testing::TempDir tmp;
  const std::string dir = tmp.Sub("s");
  std::mt19937 rng(12345);
  std::set<int64_t> acked;
  int64_t next = 1;
  uint64_t torn_total = 0;
  for (int round = 0; round < 6; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      RunWriter(dir, next, fds[1]);
    }
    ::close(fds[1]);
    // Wait for a random number of acks (at least one, so the child is past
    // Open), then a random extra delay, then kill.
    const int want = 1 + static_cast<int>(rng() % 12);
    int64_t n = 0;
    for (int i = 0; i < want && ::read(fds[0], &n, sizeof(n)) == sizeof(n);
         ++i) {
      acked.insert(n);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int wstatus = 0;
    ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited on its own: " << wstatus;
    DrainAcks(fds[0], &acked);
    ::close(fds[0]);

    auto store = PacketStore::Open(dir, Options());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    StoreStats st = (*store)->stats();
    EXPECT_EQ(st.corrupt_records, 0u);
    torn_total += st.torn_tail_bytes_truncated;
    for (int64_t k : acked) {
      auto got = (*store)->Get("crash", k);
      ASSERT_TRUE(got.ok()) << "acknowledged packet " << k
                            << " lost: " << got.status().ToString();
      ASSERT_EQ(*got, Payload(k, SizeOf(k))) << "packet " << k;
    }
    // Unacknowledged packets may or may not be there, but never damaged.
    std::vector<int64_t> present = (*store)->PacketNumbers("crash");
    for (int64_t k : present) {
      ASSERT_EQ((*store)->Get("crash", k).value(), Payload(k, SizeOf(k)));
    }
    next = present.empty() ? 1 : present.back() + 1;
  }
  RecordProperty("acked", static_cast<int>(acked.size()));
  RecordProperty("torn_tail_bytes", static_cast<int>(torn_total));
  EXPECT_GT(acked.size(), 6u);
}

// A failing write (here: the file-size limit, EFBIG) must leave no partial
// record behind, fail every later write until reopen, and lose nothing that
// was acknowledged. Runs in a child so the limit stays out of this process.
TEST(CrashTest, WriteFailureLeavesNoPartialRecord) {
  testing::TempDir tmp;
  const std::string dir = tmp.Sub("s");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::alarm(20);
    auto store = PacketStore::Open(dir, Options());
    if (!store.ok()) ::_exit(2);
    ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = {100000, 100000};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(3);
    int64_t n = 1;
    for (; (*store)->Put(Meta(n), Payload(n, 7000)).ok(); ++n) {
    }
    Result<PutOutcome> again = (*store)->Put(Meta(n + 1), Payload(n + 1, 10));
    const bool sticky =
        !again.ok() && again.status().code() == Status::Code::kIoError;
    ::_exit(sticky ? 100 + static_cast<int>(n) : 4);  // n - 1 were acknowledged
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus));
  const int acked = WEXITSTATUS(wstatus) - 101;
  ASSERT_GT(acked, 5) << "child status " << WEXITSTATUS(wstatus);
  auto store = PacketStore::Open(dir, Options());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  StoreStats st = (*store)->stats();
  EXPECT_EQ(st.torn_tail_bytes_truncated, 0u);
  EXPECT_EQ(st.corrupt_records, 0u);
  EXPECT_EQ(st.live_packets, static_cast<uint64_t>(acked));
  for (int64_t k = 1; k <= acked; ++k) {
    ASSERT_EQ((*store)->Get("crash", k).value(), Payload(k, 7000));
  }
}

}  // namespace
}  // namespace fog::worker
