// PacketFetcher against a real Mosquitto. The workers are played by clients
// that answer get requests by the protocol of docs/topics.md (paging
// included) from packets the test controls.

#include "viewer/packet_fetcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "mqtt/client.h"
#include "testing/test_broker.h"
#include "wire/get_range.h"
#include "wire/legacy_payload.h"
#include "wire/topics.h"

namespace fog::viewer {
namespace {

constexpr char kVideo[] = "long-1";
constexpr size_t kPacketBytes = 10000;

Bytes Packet(int64_t n) {
  wire::Envelope e;
  e.packet = {kVideo, n, 0, Bytes(kPacketBytes, static_cast<uint8_t>(n))};
  return wire::EncodeEnvelope(e);
}

Bytes SeedPacket(int64_t n) {
  std::mt19937_64 rng(static_cast<uint64_t>(n));
  return wire::MakeLegacyPayload(
      {kVideo, n, 0, Bytes(kPacketBytes, static_cast<uint8_t>(n))}, rng);
}

// Answers fog/get/# with packets from..to (each of kPacketBytes), a page
// of at most max_bytes at a time, then an end reply with "next".
class PagingWorker {
 public:
  // `lost`: packets its end reply counts beyond those it sends, as if
  // they were lost on the way.
  PagingWorker(const std::string& uri, int64_t to, bool busy = false,
               int lost = 0)
      : client_({.uri = uri}), to_(to), busy_(busy), lost_(lost) {
    client_.OnMessage([this](const mqtt::Message& m) { Answer(m); });
  }
  Status Start() {
    Status s = client_.Connect(std::chrono::seconds(5));
    if (s.ok()) s = client_.Subscribe("fog/get/#", 1);
    return s;
  }
  int requests() const { return requests_; }
  // Answers with the seed's VideoPacketSIS payloads instead of envelopes.
  void AnswerInSeedFormat() { legacy_ = true; }
  // Marks packet `n`'s reply as disputed (the property `conflict` = "1").
  void MarkConflict(int64_t n) { conflict_ = n; }
  ~PagingWorker() {
    if (late_.joinable()) late_.join();
  }
  // Plays a slow holder beside a worker holding none of the video: the end
  // reply of the latter goes out at once, the packets 300 ms later (from
  // another thread: the client library's callback thread stays free).
  void AnswerAfterANonHolder() { after_non_holder_ = true; }
  // As above, but first says it is working (as the federation does) and
  // answers `delay` later, past the fetch's quiet period.
  void AnswerWorkingAfterANonHolder(std::chrono::milliseconds delay) {
    after_non_holder_ = true;
    working_ = true;
    delay_ = delay;
  }

 private:
  void Answer(const mqtt::Message& m) {
    ++requests_;
    if (!after_non_holder_ || late_.joinable()) return AnswerNow(m);
    mqtt::Message empty{.topic = m.response_topic};
    empty.correlation_data = m.correlation_data;
    empty.user_properties = {{"end", "0"}, {"holds", "0"}};
    (void)client_.Publish(empty, /*wait=*/false);
    if (working_) {
      mqtt::Message working{.topic = m.response_topic};
      working.correlation_data = m.correlation_data;
      working.user_properties = {{"working", "1"}, {"worker", kLateName}};
      (void)client_.Publish(working, /*wait=*/false);
    }
    late_ = std::thread([this, m] {
      std::this_thread::sleep_for(delay_);
      AnswerNow(m);
    });
  }

  void AnswerNow(const mqtt::Message& m) {
    Result<wire::GetRange> range = wire::DecodeGetRange(m.payload);
    ASSERT_TRUE(range.ok());
    mqtt::Message end{.topic = m.response_topic};
    end.correlation_data = m.correlation_data;
    if (busy_) {
      end.user_properties = {{"end", "0"}, {"busy", "viewer-queue-full"}};
      (void)client_.Publish(end, /*wait=*/false);
      return;
    }
    const int64_t budget = wire::PageBytes(*range);
    int64_t bytes = 0, sent = 0, next = 0;
    for (int64_t n = range->first; n <= std::min(range->last, to_); ++n) {
      if (sent > 1 && bytes + static_cast<int64_t>(kPacketBytes) > budget) {
        next = n;
        break;
      }
      mqtt::Message reply{.topic = m.response_topic,
                          .payload = legacy_ ? SeedPacket(n) : Packet(n)};
      reply.correlation_data = m.correlation_data;
      reply.user_properties = {{"packet-number", std::to_string(n)}};
      if (n == conflict_) reply.user_properties.push_back({"conflict", "1"});
      (void)client_.Publish(reply, /*wait=*/false);
      bytes += kPacketBytes;
      ++sent;
    }
    end.user_properties = {{"end", std::to_string(sent + lost_)}};
    if (working_) end.user_properties.push_back({"worker", kLateName});
    if (next > 0) end.user_properties.push_back({"next", std::to_string(next)});
    (void)client_.Publish(end, /*wait=*/false);
  }

  mqtt::Client client_;
  const int64_t to_;
  const bool busy_;
  std::atomic<bool> legacy_{false};
  const int lost_;
  std::atomic<int64_t> conflict_{0};
  static constexpr char kLateName[] = "federation/b";
  std::atomic<bool> after_non_holder_{false};
  std::atomic<bool> working_{false};
  std::chrono::milliseconds delay_{300};
  std::thread late_;
  std::atomic<int> requests_{0};
};

class PacketFetcherTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(broker_.Start().ok()); }

  // `n` workers holding packets 1..to.
  void StartWorkers(int n, int64_t to, bool busy = false) {
    for (int i = 0; i < n; ++i) {
      workers_.push_back(
          std::make_unique<PagingWorker>(broker_.uri(), to, busy));
      ASSERT_TRUE(workers_.back()->Start().ok());
    }
  }

  std::unique_ptr<PacketFetcher> Connect(FetcherLimits limits = {}) {
    auto f = PacketFetcher::Connect({.uri = broker_.uri()},
                                    std::chrono::seconds(5), limits);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? std::move(*f) : nullptr;
  }

  static std::set<int64_t> Numbers(const FetchResult& r) {
    std::set<int64_t> s;
    for (const wire::Envelope& e : r.envelopes)
      s.insert(e.packet.packet_number);
    return s;
  }

  FetchRequest Request(int expected_ends) const {
    return {.video_id = kVideo,
            .expected_ends = expected_ends,
            .timeout = std::chrono::seconds(5)};
  }

  testing::TestBroker broker_;
  std::vector<std::unique_ptr<PagingWorker>> workers_;
};

TEST_F(PacketFetcherTest, KeepsOneCopyOfEachPacket) {
  StartWorkers(3, 20);
  auto fetcher = Connect();
  const auto before = std::chrono::steady_clock::now();
  Result<FetchResult> r = fetcher->Fetch(Request(3));
  ASSERT_TRUE(r.ok());
  // When the first packet came: during the fetch.
  EXPECT_GE(r->first_packet_at, before);
  EXPECT_LE(r->first_packet_at, std::chrono::steady_clock::now());
  EXPECT_EQ(r->envelopes.size(), 20u);
  EXPECT_EQ(Numbers(*r).size(), 20u);
  EXPECT_EQ(r->duplicates, 40);
  EXPECT_EQ(r->ends, 3);
  EXPECT_EQ(r->lost, 0);
  EXPECT_EQ(r->bytes, fetcher->inflight_bytes());
}

TEST_F(PacketFetcherTest, APageEndsWhereTheWorkerSaysAndAllPagesFollowIt) {
  StartWorkers(2, 50);
  auto fetcher = Connect();
  FetchRequest one = Request(2);
  one.page_bytes = 5 * kPacketBytes;
  Result<FetchResult> page = fetcher->Fetch(one);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Numbers(*page), (std::set<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(page->next, 6);

  FetchRequest all = one;
  all.all_pages = true;
  Result<FetchResult> whole = fetcher->Fetch(all);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(Numbers(*whole).size(), 50u);
  EXPECT_EQ(whole->next, 0);
  EXPECT_EQ(whole->ends, 20);  // 10 pages, 2 workers
}

TEST_F(PacketFetcherTest, ARequestWithoutABudgetGetsTheDefaultPage) {
  // No page_bytes: the request carries no max_bytes, the worker its default.
  StartWorkers(1, 30);
  auto fetcher = Connect();
  Result<FetchResult> r = fetcher->Fetch(Request(1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Numbers(*r).size(), 30u);  // 300 kB: inside the default page
  EXPECT_EQ(r->next, 0);
}

TEST_F(PacketFetcherTest, AFetchKeepsAtMostItsByteCap) {
  StartWorkers(2, 40);
  auto fetcher = Connect();
  FetchRequest capped = Request(2);
  capped.max_bytes = 12 * (kPacketBytes + 200);
  Result<FetchResult> r = fetcher->Fetch(capped);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->bytes, capped.max_bytes);
  EXPECT_EQ(r->envelopes.size(), 12u);
  EXPECT_GT(r->over_budget, 0);
  r = Result<FetchResult>(Status::Internal("drop"));
  EXPECT_EQ(fetcher->inflight_bytes(), 0u);
}

TEST_F(PacketFetcherTest, AllFetchesTogetherKeepAtMostTheTotalCap) {
  StartWorkers(1, 30);
  const size_t cap = 25 * (kPacketBytes + 200);
  auto fetcher = Connect({.max_total_bytes = cap});
  Result<FetchResult> first = fetcher->Fetch(Request(1));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->envelopes.size(), 25u);
  EXPECT_GT(first->over_budget, 0);
  // While the first result is held, a second fetch gets nothing.
  Result<FetchResult> second = fetcher->Fetch(Request(1));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->envelopes.empty());
  EXPECT_EQ(second->over_budget, 30);
  EXPECT_LE(fetcher->peak_inflight_bytes(), cap);
  // Letting the first go frees its bytes for the next fetch.
  first = Result<FetchResult>(Status::Internal("drop"));
  EXPECT_EQ(fetcher->inflight_bytes(), 0u);
  Result<FetchResult> third = fetcher->Fetch(Request(1));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->envelopes.size(), 25u);
}

TEST_F(PacketFetcherTest, CountsBusyWorkers) {
  StartWorkers(2, 10, /*busy=*/true);
  auto fetcher = Connect();
  Result<FetchResult> r = fetcher->Fetch(Request(2));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->envelopes.empty());
  // No packet came: no time for the first.
  EXPECT_EQ(r->first_packet_at, std::chrono::steady_clock::time_point{});
  EXPECT_EQ(r->busy, 2);
  EXPECT_EQ(r->ends, 2);
}

TEST_F(PacketFetcherTest, KeepsSeedFormatPacketsApart) {
  StartWorkers(2, 5);
  for (auto& w : workers_) w->AnswerInSeedFormat();
  std::unique_ptr<PacketFetcher> f = Connect();
  ASSERT_NE(f, nullptr);
  Result<FetchResult> r = f->Fetch(Request(2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->envelopes.empty());
  EXPECT_EQ(r->legacy.size(), 5u);
  EXPECT_EQ(r->undecodable, 0);
  std::set<int64_t> numbers;
  for (const Bytes& p : r->legacy) {
    Result<wire::VideoPacket> packet = SeedPacketOf(p);
    ASSERT_TRUE(packet.ok());
    numbers.insert(packet->packet_number);
  }
  EXPECT_EQ(numbers, (std::set<int64_t>{1, 2, 3, 4, 5}));
}

TEST_F(PacketFetcherTest, KeepsAWorkersConflictMarkWhicheverCopyIsKept) {
  StartWorkers(2, 5);
  for (auto& w : workers_) w->AnswerInSeedFormat();
  // Only one worker marks packet 3: its mark counts even when the other
  // worker's copy arrived first and was kept.
  workers_[1]->MarkConflict(3);
  std::unique_ptr<PacketFetcher> f = Connect();
  ASSERT_NE(f, nullptr);
  Result<FetchResult> r = f->Fetch(Request(2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->legacy.size(), 5u);
  EXPECT_EQ(r->conflicts, (std::set<int64_t>{3}));
}

TEST_F(PacketFetcherTest, UnmarkedRepliesGiveNoConflicts) {
  StartWorkers(2, 5);
  std::unique_ptr<PacketFetcher> f = Connect();
  ASSERT_NE(f, nullptr);
  Result<FetchResult> r = f->Fetch(Request(2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->envelopes.size(), 5u);
  EXPECT_TRUE(r->conflicts.empty());
}

TEST(SeedPacketOfTest, ReadsBothSeedFormatsAndNothingElse) {
  const wire::VideoPacket packet{kVideo, 7, 9, Bytes{1, 2, 3}};
  std::mt19937_64 rng(1);
  Result<wire::VideoPacket> sis =
      SeedPacketOf(wire::MakeLegacyPayload(packet, rng));
  ASSERT_TRUE(sis.ok());
  EXPECT_EQ(*sis, packet);
  Result<wire::VideoPacket> bare =
      SeedPacketOf(wire::EncodeVideoPacket(packet));
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(*bare, packet);
  EXPECT_FALSE(SeedPacketOf(Packet(1)).ok());  // our envelope
  EXPECT_FALSE(SeedPacketOf(AsBytes("EOSTREAMING")).ok());
}

TEST_F(PacketFetcherTest, CountsPacketsAnEndReplyCountedThatNeverCame) {
  workers_.push_back(std::make_unique<PagingWorker>(broker_.uri(), 10,
                                                    /*busy=*/false,
                                                    /*lost=*/3));
  ASSERT_TRUE(workers_.back()->Start().ok());
  auto fetcher = Connect();
  FetchRequest request = Request(1);
  request.quiet = std::chrono::milliseconds(200);
  Result<FetchResult> r = fetcher->Fetch(request);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->envelopes.size(), 10u);
  EXPECT_EQ(r->ends, 1);
  EXPECT_EQ(r->lost, 3);
}

TEST_F(PacketFetcherTest, AnEndFromAWorkerHoldingNoneDoesNotEndThePage) {
  // The registry says one worker holds the video; a second worker, holding
  // none of it, answers first. The page waits for the holder's packets.
  StartWorkers(1, 10);
  workers_.back()->AnswerAfterANonHolder();
  auto fetcher = Connect();
  Result<FetchResult> r = fetcher->Fetch(Request(1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Numbers(*r).size(), 10u);
  EXPECT_EQ(r->ends, 2);
  EXPECT_EQ(r->lost, 0);
}

TEST_F(PacketFetcherTest, AResponderThatSaidWorkingIsWaitedForPastTheQuiet) {
  // Holders unknown (fog get): a worker holding none ends at once; the
  // federation says it is working and answers after twice the quiet period.
  StartWorkers(1, 10);
  workers_.back()->AnswerWorkingAfterANonHolder(std::chrono::milliseconds(600));
  auto fetcher = Connect();
  FetchRequest request = Request(0);
  request.quiet = std::chrono::milliseconds(200);
  Result<FetchResult> r = fetcher->Fetch(request);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Numbers(*r).size(), 10u);
  EXPECT_EQ(r->ends, 2);
}

}  // namespace
}  // namespace fog::viewer
