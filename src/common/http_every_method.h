// One httplib handler for every method, so that the handler alone decides
// between an answer, 404 and 405 (httplib would answer an unrouted method
// by itself, with an empty 404 that no counter sees).

#ifndef FOG_COMMON_HTTP_EVERY_METHOD_H_
#define FOG_COMMON_HTTP_EVERY_METHOD_H_

#include <httplib.h>

namespace fog {

inline void RouteEveryMethod(httplib::Server& server,
                             const httplib::Server::Handler& handler) {
  server.Get(".*", handler);  // also HEAD
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
  server.Options(".*", handler);
}

}  // namespace fog

#endif  // FOG_COMMON_HTTP_EVERY_METHOD_H_
