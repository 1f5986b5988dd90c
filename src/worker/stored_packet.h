// The seed's VideoPacket inside a payload a worker stored, whatever its
// format: our signed envelope, the seed's VideoPacketSIS (its legacy check
// run again), or a bare VideoPacket.
//
// Thread-safety: reentrant.

#ifndef FOG_WORKER_STORED_PACKET_H_
#define FOG_WORKER_STORED_PACKET_H_

#include "common/bytes.h"
#include "common/status.h"
#include "wire/video_packet.h"

namespace fog::worker {

Result<wire::VideoPacket> StoredVideoPacket(ByteView stored);

}  // namespace fog::worker

#endif  // FOG_WORKER_STORED_PACKET_H_
