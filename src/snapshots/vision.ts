// Pictures prepared for a vision model: downscaled so the long edge is at most 1568 px (Claude's sweet spot, about
// 1.15 MP; larger images are shrunk by the API anyway, at a cost in upload bytes and latency) and re-encoded as JPEG.
import { sharp } from './sharp';

export const VISION_MAX_EDGE = 1568;

export interface VisionImage {
  media_type: 'image/jpeg';
  data: Buffer;
  width: number;
  height: number;
  /** Anthropic's estimate of the image tokens: width × height / 750. */
  tokens: number;
}

export function estimateImageTokens(width: number, height: number): number {
  return Math.ceil((width * height) / 750);
}

/** Downscales (never enlarges) to the long-edge limit and re-encodes as JPEG. */
export async function prepareForVision(image: Buffer, maxEdge = VISION_MAX_EDGE): Promise<VisionImage> {
  const { data, info } = await sharp()(image, { limitInputPixels: 50_000_000 })
    .rotate()
    .resize({ width: maxEdge, height: maxEdge, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 80, mozjpeg: true })
    .toBuffer({ resolveWithObject: true });
  return { media_type: 'image/jpeg', data, width: info.width, height: info.height, tokens: estimateImageTokens(info.width, info.height) };
}
