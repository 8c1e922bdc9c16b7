/**
 * The model's pixel input from the decoded working copy, as the bundle manifest prescribes (docs/bundle-format.md
 * `image`): alpha composited on `background`, squashed to R×R with a bicubic kernel (no crop, spec §1.7), then
 * (x/255 − mean)/std in CHW float32.
 *
 * @example const chw = await modelInput(decoded, manifest.image) // Float32Array(3*R*R)
 */
import { fromDecoded, type DecodedImage } from './image-decode';

export interface ImagePreprocessSpec {
  resolution: number;
  mean: readonly [number, number, number] | readonly number[];
  std: readonly [number, number, number] | readonly number[];
  background: readonly [number, number, number] | readonly number[];
}

export async function modelInput(image: DecodedImage, spec: ImagePreprocessSpec): Promise<Float32Array> {
  const r = spec.resolution;
  const [br, bg, bb] = spec.background as [number, number, number];
  const rgb = await fromDecoded(image)
    .flatten({ background: { r: br, g: bg, b: bb } })
    .resize({ width: r, height: r, fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
  const plane = r * r;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * spec.std[c]!);
    const shift = spec.mean[c]! / spec.std[c]!;
    for (let i = 0; i < plane; i++) out[c * plane + i] = rgb[i * 3 + c]! * scale - shift;
  }
  return out;
}
