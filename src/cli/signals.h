// Termination signals for long-running commands: block SIGINT/SIGTERM in
// every thread (call before any thread starts, so all inherit the mask),
// then wait for one synchronously. No code runs in a signal handler.

#ifndef FOG_CLI_SIGNALS_H_
#define FOG_CLI_SIGNALS_H_

#include <chrono>

namespace fog::cli {

void BlockTerminationSignals();

// Returns the signal number, or 0 if `timeout` passed first.
int WaitForTerminationSignal(std::chrono::milliseconds timeout);

// Waits with no timeout.
int WaitForTerminationSignal();

}  // namespace fog::cli

#endif  // FOG_CLI_SIGNALS_H_
