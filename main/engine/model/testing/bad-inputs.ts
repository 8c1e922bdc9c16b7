/** Hostile inputs made on the fly for the bad-input tests (DESIGN §8); nothing here touches the network. */
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** A valid 1×1 PNG whose IHDR (with a correct CRC) claims width × height. */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .png()
      .toBuffer(),
  );
  // Signature (8) + IHDR length (4) + "IHDR" (4): width at 16, height at 20, CRC over type+data at 29.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** "Billion laughs": nested XML entities that expand to ~10⁹ characters. */
export const SVG_ENTITY_BOMB = `<?xml version="1.0"?>
<!DOCTYPE svg [
<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
<!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&i;</text></svg>`;

/** Exponential <use> fan-out: each level references the previous one ten times. */
export function svgUseBomb(levels = 9): string {
  let defs = '<rect id="l0" width="1" height="1"/>';
  for (let l = 1; l <= levels; l++) {
    const uses = Array.from({ length: 10 }, () => `<use href="#l${l - 1}"/>`).join('');
    defs += `<g id="l${l}">${uses}</g>`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs>${defs}</defs><use href="#l${levels}"/></svg>`;
}
