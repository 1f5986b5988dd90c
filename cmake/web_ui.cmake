# The web UI (web/, docs/ui.md): `npm ci` when node_modules is missing or
# the lock file changed, the WebAssembly verifier (web/wasm/build.sh) when
# its C++ changed, then `npm run build`; web/dist is copied beside the fog
# binary as web/, where `fog api` (and so `fog up`) finds it.
# Included from the top-level CMakeLists.txt after src/cli.

find_program(FOG_NPM npm)
find_program(FOG_EMCC emcc)  # the verifier's compiler (Debian's emscripten)
if(FOG_NPM AND FOG_EMCC)
  set(FOG_WEB_UI_DEFAULT ON)
else()
  set(FOG_WEB_UI_DEFAULT OFF)
endif()
option(FOG_WEB_UI "Build the web UI with npm and serve it from fog api"
       ${FOG_WEB_UI_DEFAULT})

if(NOT FOG_WEB_UI)
  if(NOT FOG_NPM OR NOT FOG_EMCC)
    message(STATUS "web UI: npm or emcc not found, not built; fog api answers "
                   "GET / with 503 \"web UI not built\" (scripts/install-deps.sh "
                   "installs npm, emscripten and node-acorn)")
  else()
    message(STATUS "web UI: off (FOG_WEB_UI=OFF); fog api answers GET / with 503")
  endif()
  return()
endif()
if(NOT FOG_NPM OR NOT FOG_EMCC)
  message(FATAL_ERROR "FOG_WEB_UI=ON needs npm and emcc (emscripten); "
                      "run scripts/install-deps.sh or pass -DFOG_WEB_UI=OFF")
endif()

set(FOG_WEB_DIR ${PROJECT_SOURCE_DIR}/web)
set(FOG_WEB_STAMPS ${CMAKE_BINARY_DIR}/web-ui)
file(MAKE_DIRECTORY ${FOG_WEB_STAMPS})

# npm ci: only when the lock file (or package.json) is newer than the last run.
add_custom_command(
  OUTPUT ${FOG_WEB_STAMPS}/npm-ci.stamp
  COMMAND ${FOG_NPM} ci --no-audit --no-fund
  COMMAND ${CMAKE_COMMAND} -E touch ${FOG_WEB_STAMPS}/npm-ci.stamp
  DEPENDS ${FOG_WEB_DIR}/package-lock.json ${FOG_WEB_DIR}/package.json
  WORKING_DIRECTORY ${FOG_WEB_DIR}
  COMMENT "web UI: npm ci"
  VERBATIM)

# The verifier's C++: what web/wasm/build.sh compiles.
file(GLOB FOG_WASM_SOURCES CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/src/wasm/*.cc ${PROJECT_SOURCE_DIR}/src/wasm/*.h
  ${PROJECT_SOURCE_DIR}/src/common/*.cc ${PROJECT_SOURCE_DIR}/src/common/*.h
  ${PROJECT_SOURCE_DIR}/src/crypto/*.cc ${PROJECT_SOURCE_DIR}/src/crypto/*.h
  ${PROJECT_SOURCE_DIR}/src/crypto/sis/*.cc ${PROJECT_SOURCE_DIR}/src/crypto/sis/*.h
  ${PROJECT_SOURCE_DIR}/src/crypto/mldsa/*.cc ${PROJECT_SOURCE_DIR}/src/crypto/mldsa/*.h
  ${PROJECT_SOURCE_DIR}/src/wire/*.cc ${PROJECT_SOURCE_DIR}/src/wire/*.h
  ${PROJECT_SOURCE_DIR}/src/trust/*.cc ${PROJECT_SOURCE_DIR}/src/trust/*.h)
list(FILTER FOG_WASM_SOURCES EXCLUDE REGEX "_test\\.cc$")
add_custom_command(
  OUTPUT ${FOG_WEB_DIR}/src/verify/generated/fog_verify.wasm
         ${FOG_WEB_DIR}/src/verify/generated/fog_verify.mjs
  COMMAND bash ${FOG_WEB_DIR}/wasm/build.sh
  DEPENDS ${FOG_WASM_SOURCES} ${FOG_WEB_DIR}/wasm/build.sh
  COMMENT "web UI: the WebAssembly verifier (emscripten)"
  VERBATIM)

file(GLOB_RECURSE FOG_WEB_SOURCES CONFIGURE_DEPENDS
  ${FOG_WEB_DIR}/src/*.ts ${FOG_WEB_DIR}/src/*.tsx ${FOG_WEB_DIR}/src/*.css
  ${FOG_WEB_DIR}/public/*)
list(FILTER FOG_WEB_SOURCES EXCLUDE REGEX "/generated/")
add_custom_command(
  OUTPUT ${FOG_WEB_STAMPS}/build.stamp
  COMMAND ${FOG_NPM} run build
  COMMAND ${CMAKE_COMMAND} -E rm -rf $<TARGET_FILE_DIR:fog>/web
  COMMAND ${CMAKE_COMMAND} -E copy_directory ${FOG_WEB_DIR}/dist
          $<TARGET_FILE_DIR:fog>/web
  COMMAND ${CMAKE_COMMAND} -E touch ${FOG_WEB_STAMPS}/build.stamp
  DEPENDS ${FOG_WEB_STAMPS}/npm-ci.stamp
          ${FOG_WEB_DIR}/src/verify/generated/fog_verify.wasm
          ${FOG_WEB_SOURCES} ${FOG_WEB_DIR}/index.html
          ${FOG_WEB_DIR}/vite.config.ts ${FOG_WEB_DIR}/tsconfig.json
  WORKING_DIRECTORY ${FOG_WEB_DIR}
  COMMENT "web UI: npm run build -> $<TARGET_FILE_DIR:fog>/web"
  VERBATIM)
add_custom_target(fog_web_ui ALL DEPENDS ${FOG_WEB_STAMPS}/build.stamp)
message(STATUS "web UI: built by npm into the fog binary's web/ (FOG_WEB_UI=ON)")
