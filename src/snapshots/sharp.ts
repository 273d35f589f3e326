// sharp (libvips) costs about 19 MB of resident memory once loaded, so it is loaded the first time a picture is read
// or made, not when the butler starts: a butler that never sees a picture never pays for it.
import type SharpModule from 'sharp';

let loaded: typeof SharpModule | null = null;

export function sharp(): typeof SharpModule {
  loaded ??= require('sharp') as typeof SharpModule;
  return loaded;
}
