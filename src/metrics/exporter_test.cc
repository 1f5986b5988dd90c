#include "metrics/exporter.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <prometheus/counter.h>

namespace fog::metrics {
namespace {

class ExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    prometheus::BuildCounter()
        .Name("fog_test_events_total")
        .Help("events")
        .Register(exporter_.registry())
        .Add({{"kind", "a"}})
        .Increment(3);
    ASSERT_TRUE(exporter_.Start("127.0.0.1", 0).ok());
    ASSERT_GT(exporter_.port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", exporter_.port());
  }

  Exporter exporter_{"test"};
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ExporterTest, ServesTheRegistryInTextFormat) {
  auto res = client_->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), kContentType);
  EXPECT_NE(res->body.find("# TYPE fog_test_events_total counter"),
            std::string::npos)
      << res->body;
  EXPECT_NE(res->body.find("fog_test_events_total{kind=\"a\"} 3"),
            std::string::npos)
      << res->body;
  EXPECT_EQ(exporter_.counters().Get("scrapes"), 1u);
  // A scrape counts itself before it renders.
  res = client_->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_NE(res->body.find("fog_test_metrics_http_scrapes_total 2"),
            std::string::npos)
      << res->body;
}

TEST_F(ExporterTest, OtherPathsAre404JsonErrors) {
  for (const char* path : {"/", "/metric", "/metrics/x", "/videos"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    EXPECT_NE(res->body.find("\"status\":404"), std::string::npos);
  }
  EXPECT_EQ(exporter_.counters().Get("rejected.no_route"), 4u);
  EXPECT_EQ(exporter_.counters().Get("scrapes"), 0u);
}

TEST_F(ExporterTest, OtherMethodsAre405) {
  auto res = client_->Post("/metrics", "x", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "GET, HEAD");
  EXPECT_NE(res->body.find("\"status\":405"), std::string::npos);
  res = client_->Delete("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(exporter_.counters().Get("rejected.method_not_allowed"), 2u);
}

TEST_F(ExporterTest, ScrapeMatchesWhatIsServed) {
  std::string text = exporter_.Scrape();
  EXPECT_NE(text.find("fog_test_events_total{kind=\"a\"} 3"),
            std::string::npos);
}

TEST(ExporterStartTest, ATakenPortIsUnavailable) {
  Exporter first("a");
  ASSERT_TRUE(first.Start("127.0.0.1", 0).ok());
  Exporter second("b");
  Status s = second.Start("127.0.0.1", first.port());
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_EQ(second.port(), 0);
}

TEST(ExporterStartTest, BadPortsAndDoubleStartsAreErrors) {
  Exporter e("a");
  EXPECT_EQ(e.Start("127.0.0.1", 70000).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(e.Start("127.0.0.1", -1).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(e.Start("no-such-host.invalid", 0).code(),
            Status::Code::kUnavailable);
  ASSERT_TRUE(e.Start("127.0.0.1", 0).ok());
  EXPECT_EQ(e.Start("127.0.0.1", 0).code(), Status::Code::kInternal);
  e.Stop();
  EXPECT_EQ(e.port(), 0);
  e.Stop();  // idempotent
}

}  // namespace
}  // namespace fog::metrics
