// hls.js ships its light build (no subtitles, alternate audio or DRM, none of
// which the fog's playlists use) without its own type declarations.
declare module 'hls.js/light' {
  export * from 'hls.js';
  export { default } from 'hls.js';
}
