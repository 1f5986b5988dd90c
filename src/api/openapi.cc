#include "api/internal/openapi.h"

namespace fog::api {

// Kept by hand beside docs/api.md; api_server_test checks that every route
// the server answers is described here and every path described here is
// routed.
std::string_view OpenApiJson() {
  return R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "fog registry API",
    "version": "1",
    "description": "Which videos the fog holds, reported by its workers; the seed's GET /videos and GET /create stay compatible. Reference: docs/api.md."
  },
  "components": {
    "securitySchemes": {
      "bearer": {"type": "http", "scheme": "bearer"}
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": ["error", "status"],
        "properties": {
          "error": {"type": "string"},
          "status": {"type": "integer"}
        }
      },
      "WorkerHolding": {
        "type": "object",
        "required": ["worker", "packets", "bytes"],
        "properties": {
          "worker": {"type": "string"},
          "packets": {"type": "integer", "minimum": 0},
          "bytes": {"type": "integer", "minimum": 0}
        }
      },
      "Video": {
        "type": "object",
        "required": ["ID", "CreatedAt", "UpdatedAt", "DeletedAt", "VideoID", "packets", "bytes", "total_packets", "status", "publisher_key", "authenticated", "workers", "duration"],
        "properties": {
          "ID": {"type": "integer"},
          "CreatedAt": {"type": "string", "format": "date-time"},
          "UpdatedAt": {"type": "string", "format": "date-time"},
          "DeletedAt": {"type": "string", "format": "date-time", "nullable": true},
          "VideoID": {"type": "string", "minLength": 1, "maxLength": 255},
          "packets": {"type": "integer", "minimum": 0},
          "bytes": {"type": "integer", "minimum": 0},
          "total_packets": {"type": "integer", "minimum": 0},
          "status": {"type": "string", "enum": ["live", "complete"]},
          "publisher_key": {"type": "string", "nullable": true},
          "authenticated": {"type": "boolean"},
          "workers": {"type": "array", "items": {"$ref": "#/components/schemas/WorkerHolding"}},
          "duration": {"type": "number", "nullable": true, "description": "seconds"}
        }
      },
      "HoldingsReport": {
        "type": "object",
        "additionalProperties": false,
        "required": ["video_id", "worker", "packets", "bytes"],
        "properties": {
          "video_id": {"type": "string", "minLength": 1, "maxLength": 255},
          "worker": {"type": "string", "minLength": 1, "maxLength": 128},
          "packets": {"type": "integer", "minimum": 0},
          "bytes": {"type": "integer", "minimum": 0},
          "total_packets": {"type": "integer", "minimum": 0},
          "publisher_key": {"type": "string", "nullable": true, "maxLength": 8192},
          "authenticated": {"type": "boolean"},
          "timescales": {"type": "object", "nullable": true, "maxProperties": 64, "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 4294967295}},
          "track_end_ticks": {"type": "object", "nullable": true, "maxProperties": 64, "additionalProperties": {"type": "integer", "minimum": 0}}
        }
      },
      "Health": {
        "type": "object",
        "required": ["status"],
        "properties": {
          "status": {"type": "string", "enum": ["ok", "unavailable"]},
          "components": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "state": {"type": "string"}}}}
        }
      },
      "Fog": {
        "type": "object",
        "required": ["status", "components", "workers", "policy"],
        "properties": {
          "status": {"type": "string", "enum": ["ok", "unavailable"]},
          "components": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "state": {"type": "string"}}}},
          "workers": {"type": "object", "additionalProperties": {"type": "object", "properties": {"state": {"type": "string", "enum": ["online", "offline"]}, "stats": {"type": "object", "nullable": true}}}},
          "policy": {"type": "object", "nullable": true, "description": "the load balancer's latest policy (docs/balancer.md)"}
        }
      }
    },
    "parameters": {
      "VideoId": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 255}},
      "Segment": {"name": "n", "in": "path", "required": true, "description": "packet number of the fragment (packet 1 is init.mp4)", "schema": {"type": "integer", "minimum": 2, "maximum": 9007199254740992}}
    },
    "responses": {
      "Error": {"description": "a JSON error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "headers": {
      "CacheControl": {"description": "immutable for a complete video's packets, no-cache for a live playlist", "schema": {"type": "string"}}
    }
  },
  "paths": {
    "/videos": {
      "get": {
        "summary": "List videos (seed compatible), ordered by ID",
        "parameters": [
          {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
          {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
          {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["live", "complete"]}}
        ],
        "responses": {
          "200": {"description": "videos", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Video"}}}}},
          "400": {"$ref": "#/components/responses/Error"}
        }
      },
      "post": {
        "summary": "A worker reports what it holds of one video",
        "security": [{"bearer": []}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HoldingsReport"}}}},
        "responses": {
          "200": {"description": "the updated video", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Video"}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "401": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"},
          "413": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/videos/{id}": {
      "parameters": [{"$ref": "#/components/parameters/VideoId"}],
      "get": {
        "summary": "One video with its workers",
        "responses": {
          "200": {"description": "the video", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Video"}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"}
        }
      },
      "delete": {
        "summary": "Soft-delete a video",
        "security": [{"bearer": []}],
        "responses": {
          "204": {"description": "deleted"},
          "400": {"$ref": "#/components/responses/Error"},
          "401": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/videos/{id}/index.m3u8": {
      "parameters": [{"$ref": "#/components/parameters/VideoId"}],
      "get": {
        "summary": "HLS media playlist of the verified packets: VOD with EXT-X-ENDLIST once complete, EVENT while live",
        "responses": {
          "200": {"description": "the playlist", "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControl"}}, "content": {"application/vnd.apple.mpegurl": {"schema": {"type": "string"}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"},
          "502": {"$ref": "#/components/responses/Error"},
          "503": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/videos/{id}/init.mp4": {
      "parameters": [{"$ref": "#/components/parameters/VideoId"}],
      "get": {
        "summary": "The init segment (packet 1), verified",
        "responses": {
          "200": {"description": "ftyp + moov", "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControl"}}, "content": {"video/mp4": {"schema": {"type": "string", "format": "binary"}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"},
          "502": {"$ref": "#/components/responses/Error"},
          "503": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/videos/{id}/{n}.m4s": {
      "parameters": [{"$ref": "#/components/parameters/VideoId"}, {"$ref": "#/components/parameters/Segment"}],
      "get": {
        "summary": "One fMP4 fragment (packet n), verified",
        "responses": {
          "200": {"description": "moof + mdat", "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControl"}}, "content": {"video/iso.segment": {"schema": {"type": "string", "format": "binary"}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"},
          "502": {"$ref": "#/components/responses/Error"},
          "503": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/create": {
      "get": {
        "summary": "Seed compatibility: create a video (the bearer token unless the API runs with --open-create)",
        "security": [{"bearer": []}],
        "parameters": [{"name": "video_id", "in": "query", "required": true, "schema": {"type": "string"}}],
        "responses": {
          "200": {"description": "the video", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Video"}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "401": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/health": {
      "get": {
        "summary": "Liveness and component states",
        "responses": {
          "200": {"description": "every component is up", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
          "503": {"description": "a component is down", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}
        }
      }
    },
    "/fog": {
      "get": {
        "summary": "Components, workers with their latest stats, the current policy",
        "responses": {
          "200": {"description": "the fog", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fog"}}}},
          "404": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/metrics": {
      "get": {
        "summary": "Prometheus metrics of the API (docs/metrics.md)",
        "responses": {
          "200": {"description": "text exposition format 0.0.4", "content": {"text/plain; version=0.0.4; charset=utf-8": {"schema": {"type": "string"}}}},
          "404": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/metrics/{name}": {
      "get": {
        "summary": "Prometheus metrics of another component (master, balancer, worker-N), relayed unchanged",
        "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {
          "200": {"description": "the component's text exposition format 0.0.4", "content": {"text/plain; version=0.0.4; charset=utf-8": {"schema": {"type": "string"}}}},
          "404": {"$ref": "#/components/responses/Error"},
          "502": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/videos/{id}/packets/{n}": {
      "get": {
        "summary": "Packet n as a worker holds it (the signed envelope), not verified here",
        "parameters": [
          {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
          {"name": "n", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}
        ],
        "responses": {
          "200": {"description": "the payload; X-Fog-Holders names the workers holding it", "content": {"application/octet-stream": {}}},
          "400": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"},
          "503": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/videos/{id}/poster.jpg": {
      "get": {
        "summary": "A frame of the first fragment, made once with ffmpeg",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {
          "200": {"description": "JPEG", "content": {"image/jpeg": {}}},
          "404": {"$ref": "#/components/responses/Error"},
          "503": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/videos/{id}/pin": {
      "parameters": [{"$ref": "#/components/parameters/VideoId"}],
      "post": {
        "summary": "Pin the video to a peer fog: it fetches, verifies and stores the whole video with its own copies, and follows it while live (docs/federation.md)",
        "security": [{"bearer": []}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["to"], "properties": {"to": {"type": "string", "description": "the peer fog's name"}}}}}},
        "responses": {
          "200": {"description": "accepted by the peer: {video_id, to, result: \"accepted\"}", "content": {"application/json": {}}},
          "400": {"$ref": "#/components/responses/Error"},
          "401": {"$ref": "#/components/responses/Error"},
          "403": {"$ref": "#/components/responses/Error"},
          "404": {"$ref": "#/components/responses/Error"},
          "409": {"$ref": "#/components/responses/Error"},
          "429": {"$ref": "#/components/responses/Error"},
          "503": {"$ref": "#/components/responses/Error"},
          "504": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/keys": {
      "get": {
        "summary": "The trusted publisher keys, the fog keys that certify publishers, and the signed revocation lists",
        "responses": {"200": {"description": "{keys: [{key_id, algorithm, public_key (base64)}], authorities: [same], revocations: [signed list (base64)]}", "content": {"application/json": {}}}}
      }
    },
    "/ui-config": {
      "get": {
        "summary": "The web UI's chat: MQTT over WebSockets URL and the viewer login",
        "responses": {"200": {"description": "{mqtt_ws_url, username, password, chat_topic_prefix}", "content": {"application/json": {}}}}
      }
    },
    "/openapi.json": {
      "get": {
        "summary": "This document",
        "responses": {"200": {"description": "OpenAPI 3 document", "content": {"application/json": {}}}}
      }
    }
  }
})json";
}

}  // namespace fog::api
