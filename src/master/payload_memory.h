// PayloadMemory: counts the payload bytes the master holds in memory, so
// that it can keep them within its budget (`--memory-budget`).
//
// Every payload buffer the master keeps is Track()ed: its bytes count from
// then until the last reference to it is gone, wherever that reference is
// (a hold queue, a copy being published, the MQTT library's message). A
// buffer handed to the MQTT library for a publish is also Charge()d its
// size once per publish, for the copy the library makes (Paho C copies a
// payload per publish and keeps it until the broker's PUBACK); that charge
// is released with the buffer, which is never earlier than the PUBACK.
//
// Thread-safety: all methods may be called from any thread. A tracked
// buffer may be freed on any thread, under any lock: the free callback must
// only signal.

#ifndef FOG_MASTER_PAYLOAD_MEMORY_H_
#define FOG_MASTER_PAYLOAD_MEMORY_H_

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace fog::master {

class PayloadMemory {
 public:
  using Buffer = std::shared_ptr<const std::string>;

  // One tracked buffer (null when default-constructed). Copies share it.
  class Tracked {
   public:
    Tracked() = default;
    explicit operator bool() const { return holder_ != nullptr; }
    const std::string& operator*() const;
    size_t size() const;
    // The buffer for the MQTT client: holds this tracked buffer alive.
    Buffer buffer() const;
    // Counts `bytes` more until the buffer is freed.
    void Charge(size_t bytes) const;

   private:
    friend class PayloadMemory;
    struct Holder;
    explicit Tracked(std::shared_ptr<Holder> h) : holder_(std::move(h)) {}
    std::shared_ptr<Holder> holder_;
  };
  using Weak = std::weak_ptr<Tracked::Holder>;

  explicit PayloadMemory(size_t budget);
  ~PayloadMemory();
  PayloadMemory(const PayloadMemory&) = delete;
  PayloadMemory& operator=(const PayloadMemory&) = delete;

  Tracked Track(Buffer buffer);
  static Weak WeakOf(const Tracked& t) { return t.holder_; }
  static Tracked Lock(const Weak& w) { return Tracked(w.lock()); }

  // Called after a tracked buffer was freed (see the thread-safety note).
  void OnFree(std::function<void()> callback);

  size_t budget() const { return budget_; }
  size_t used() const;
  size_t high_water() const;

 private:
  struct State;
  const size_t budget_;
  std::shared_ptr<State> state_;  // outlives us while buffers live
};

}  // namespace fog::master

#endif  // FOG_MASTER_PAYLOAD_MEMORY_H_
