#include "master/payload_memory.h"

#include <utility>

namespace fog::master {

struct PayloadMemory::State {
  std::atomic<size_t> used{0};
  std::atomic<size_t> high_water{0};
  std::mutex mu;  // guards on_free
  std::function<void()> on_free;

  void Add(size_t bytes) {
    const size_t now = used.fetch_add(bytes) + bytes;
    size_t hw = high_water.load();
    while (now > hw && !high_water.compare_exchange_weak(hw, now)) {
    }
  }
  void Release(size_t bytes) {
    used.fetch_sub(bytes);
    std::lock_guard<std::mutex> lock(mu);
    if (on_free) on_free();
  }
};

struct PayloadMemory::Tracked::Holder {
  Holder(Buffer b, std::shared_ptr<State> s)
      : bytes(std::move(b)), state(std::move(s)) {}
  ~Holder() { state->Release(bytes->size() + charged.load()); }
  const Buffer bytes;
  const std::shared_ptr<State> state;
  std::atomic<size_t> charged{0};
};

const std::string& PayloadMemory::Tracked::operator*() const {
  return *holder_->bytes;
}

size_t PayloadMemory::Tracked::size() const { return holder_->bytes->size(); }

PayloadMemory::Buffer PayloadMemory::Tracked::buffer() const {
  // Aliasing: the string, owned by the holder, whose end releases the count.
  return Buffer(holder_, holder_->bytes.get());
}

void PayloadMemory::Tracked::Charge(size_t bytes) const {
  holder_->charged.fetch_add(bytes);
  holder_->state->Add(bytes);
}

PayloadMemory::PayloadMemory(size_t budget)
    : budget_(budget), state_(std::make_shared<State>()) {}

PayloadMemory::~PayloadMemory() { OnFree(nullptr); }

PayloadMemory::Tracked PayloadMemory::Track(Buffer buffer) {
  if (!buffer) buffer = std::make_shared<const std::string>();
  state_->Add(buffer->size());
  return Tracked(std::make_shared<Tracked::Holder>(std::move(buffer), state_));
}

void PayloadMemory::OnFree(std::function<void()> callback) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->on_free = std::move(callback);
}

size_t PayloadMemory::used() const { return state_->used.load(); }

size_t PayloadMemory::high_water() const { return state_->high_water.load(); }

}  // namespace fog::master
