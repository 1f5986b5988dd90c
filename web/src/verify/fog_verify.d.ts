// Types of the emscripten module web/wasm/build.sh generates
// (generated/fog_verify.mjs); the C functions are src/wasm/verify_glue.cc.
declare module '*/fog_verify.mjs' {
  export interface FogVerifyModule {
    HEAPU8: Uint8Array;
    UTF8ToString(ptr: number): string;
    _fog_alloc(size: number): number;
    _fog_free(ptr: number): void;
    _fog_sis_digest(data: number, len: number, out: number): void;
    _fog_swifft_compress(input: number, out: number): void;
    _fog_chain_link(
      id: number,
      idLen: number,
      packetNumber: number,
      total: number,
      digest: number,
      prev: number,
      out: number,
    ): number;
    _fog_mldsa44_verify(
      pk: number,
      pkLen: number,
      msg: number,
      msgLen: number,
      ctx: number,
      ctxLen: number,
      sig: number,
      sigLen: number,
    ): number;
    _fog_envelope_decode(payload: number, len: number): number;
    _fog_stream_new(videoId: number, len: number): number;
    _fog_stream_delete(stream: number): void;
    _fog_stream_add_key(stream: number, pk: number, len: number, keyIdOut: number): number;
    _fog_stream_add_authority(stream: number, pk: number, len: number, keyIdOut: number): number;
    _fog_stream_add_revocations(stream: number, list: number, len: number): number;
    _fog_stream_error(stream: number): number;
    _fog_stream_set_now(stream: number, unixSeconds: number): void;
    _fog_stream_push(stream: number, packetNumber: number, payload: number, len: number): number;
    _fog_stream_finish(stream: number): number;
  }
  export interface FogVerifyOptions {
    wasmBinary?: ArrayBuffer | Uint8Array;
    locateFile?: (path: string, prefix: string) => string;
  }
  const createFogVerify: (options?: FogVerifyOptions) => Promise<FogVerifyModule>;
  export default createFogVerify;
}
