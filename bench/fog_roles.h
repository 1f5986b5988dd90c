// The broker credentials `fog up` wrote for each role, as the benchmarks
// that drive a running fog read them.

#ifndef FOG_BENCH_FOG_ROLES_H_
#define FOG_BENCH_FOG_ROLES_H_

#include <initializer_list>
#include <map>
#include <string>

#include "common/status.h"
#include "config/fog_descriptor.h"

namespace fog::bench {

// Reads <fog_dir>/mosquitto/roles.json; NotFound when a role in `required`
// is missing, Corruption when the file is not the expected JSON.
Result<std::map<std::string, config::Credentials>> LoadRoles(
    const std::string& fog_dir, std::initializer_list<const char*> required);

}  // namespace fog::bench

#endif  // FOG_BENCH_FOG_ROLES_H_
