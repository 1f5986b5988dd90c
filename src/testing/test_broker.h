// A real Mosquitto broker for tests: started from a generated config on a
// free loopback port in a temporary directory, stopped on destruction.
//
// Thread-safety: not thread-safe; one owner.

#ifndef FOG_TESTING_TEST_BROKER_H_
#define FOG_TESTING_TEST_BROKER_H_

#include <sys/types.h>

#include <string>

#include "common/status.h"

namespace fog::testing {

class TestBroker {
 public:
  TestBroker() = default;
  ~TestBroker();
  TestBroker(const TestBroker&) = delete;
  TestBroker& operator=(const TestBroker&) = delete;

  // Starts mosquitto (anonymous access, no persistence unless asked) and
  // waits until it accepts connections.
  Status Start(bool persistence = false);
  // SIGTERM, then SIGKILL if it lingers; safe to call twice, and after
  // Pause (the broker then exits without reading what arrived meanwhile).
  void Stop();
  // SIGSTOP: the broker reads, acknowledges and delivers nothing until it
  // is stopped, so publishes sent meanwhile stay in flight.
  void Pause();
  // Stops and starts again on the same port (and persistence file).
  Status Restart();

  int port() const { return port_; }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool persistence_ = false;
};

// A free TCP port on 127.0.0.1 (common/free_ports.h; 0 when none is).
int FreePort();

// True once something accepts TCP connections on 127.0.0.1:port.
bool WaitForPort(int port, int timeout_ms);

}  // namespace fog::testing

#endif  // FOG_TESTING_TEST_BROKER_H_
