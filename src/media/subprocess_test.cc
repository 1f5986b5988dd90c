#include "media/subprocess.h"

#include <gtest/gtest.h>

namespace fog::media {
namespace {

TEST(SubprocessTest, PassesArgumentsVerbatimWithoutAShell) {
  auto run =
      RunProcess({"printf", "%s|", "a b", "$(id); rm -rf /nonexistent", "*"});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->exit_code, 0);
  EXPECT_EQ(std::string(run->out.begin(), run->out.end()),
            "a b|$(id); rm -rf /nonexistent|*|");
}

TEST(SubprocessTest, ReportsExitCodeAndStderrTail) {
  auto run = RunProcess({"sh", "-c", "echo out; echo oops >&2; exit 3"});
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 3);
  EXPECT_EQ(run->err, "oops");
}

TEST(SubprocessTest, MissingProgramIsNotFound) {
  auto run = RunProcess({"fog-no-such-program-xyz"});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), Status::Code::kNotFound);
}

TEST(SubprocessTest, TerminateStopsAChildAndKeepsOnlyTheTail) {
  auto child = Subprocess::Spawn(
      {"sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x >&2; exec sleep 30"},
      {.stderr_tail_bytes = 10});
  ASSERT_TRUE(child.ok());
  (*child)->Terminate();
  auto code = (*child)->Wait();
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 128 + 15);
  EXPECT_LE((*child)->StderrTail().size(), 10u);
}

}  // namespace
}  // namespace fog::media
