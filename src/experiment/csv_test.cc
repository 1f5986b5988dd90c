#include "experiment/csv.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace fog::experiment {
namespace {

TEST(Csv, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
}

TEST(Csv, Numbers) {
  EXPECT_EQ(CsvNumber(3), "3");
  EXPECT_EQ(CsvNumber(-1), "");
  EXPECT_EQ(CsvNumber(1.5), "1.5");
  EXPECT_EQ(CsvNumber(2.0004), "2");
  EXPECT_EQ(CsvNumber(0.1234), "0.123");
}

TEST(Csv, WritesHeaderAndRows) {
  const std::string path = ::testing::TempDir() + "/csv_test.csv";
  Result<CsvWriter> w = CsvWriter::Open(path, {"a", "b"});
  ASSERT_TRUE(w.ok());
  w->Row({"1", "x,y"});
  ASSERT_TRUE(w->Close().ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "a,b\n1,\"x,y\"\n");
  std::remove(path.c_str());
}

TEST(Csv, UnwritablePathIsAnError) {
  EXPECT_FALSE(CsvWriter::Open("/nonexistent/dir/x.csv", {"a"}).ok());
}

}  // namespace
}  // namespace fog::experiment
