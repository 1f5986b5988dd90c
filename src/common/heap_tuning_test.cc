#include "common/heap_tuning.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace fog {
namespace {

// Under AddressSanitizer its allocator serves malloc, not glibc's: nothing
// to measure there.
#if !defined(__SANITIZE_ADDRESS__)
TEST(HeapTuningTest, MessageSizedBuffersStayInTheHeap) {
  ASSERT_TRUE(TuneHeapForMessageBuffers().ok());
  const size_t mapped_before = mallinfo2().hblks;
  // With glibc's defaults each of these is a mmap'ed chunk of its own.
  for (size_t size : {size_t{256} << 10, size_t{1} << 20, size_t{16} << 20}) {
    void* p = std::malloc(size);
    ASSERT_NE(p, nullptr);
    std::memset(p, 1, size);
    EXPECT_EQ(mallinfo2().hblks, mapped_before) << size << " bytes";
    std::free(p);
  }
}
#endif

TEST(HeapTuningTest, TunablesForChildrenKeepWhatTheyInherit) {
  const std::string ours = GlibcMallocTunables("");
  EXPECT_EQ(ours,
            "glibc.malloc.mmap_threshold=33554432:"
            "glibc.malloc.trim_threshold=67108864");
  EXPECT_EQ(GlibcMallocTunables("glibc.malloc.check=3"),
            "glibc.malloc.check=3:" + ours);
}

}  // namespace
}  // namespace fog
