/**
 * The automatic held-out split: whole groups are held out (so no caption or image of an evaluated group was
 * trained on), chosen by a hash of the group id — deterministic, independent of pair order, and stable
 * when the library grows (a group never moves between train and held-out as pairs are added).
 */
import type { CuratedPair } from './curated-pairs';

/** FNV-1a of the UTF-16 code units, mapped to [0, 1). */
export function groupHash(group: string | number): number {
  const s = String(group);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // One extra avalanche round: FNV's low bits are weak for short numeric strings.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

export interface Split {
  /** Indices into the pairs array. */
  train: number[];
  heldOut: number[];
  heldOutGroups: number;
}

/**
 * Holds out the groups whose hash is below `fraction`, but at least `minGroups` of them (the lowest hashes)
 * so that a small library still gets a before/after figure. Rejected pairs never enter the held-out set.
 */
export function splitByGroup(pairs: readonly CuratedPair[], fraction: number, minGroups: number): Split {
  const hashes = new Map<string, number>();
  for (const p of pairs) if (p.state !== 'rejected') hashes.set(String(p.group), groupHash(p.group));
  const ordered = [...hashes.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  const held = new Set<string>();
  for (const [g, h] of ordered) if (h < fraction || held.size < minGroups) held.add(g);
  const train: number[] = [];
  const heldOut: number[] = [];
  pairs.forEach((p, i) => {
    const inHeld = held.has(String(p.group));
    if (!inHeld) train.push(i);
    else if (p.state !== 'rejected') heldOut.push(i);
  });
  return { train, heldOut, heldOutGroups: held.size };
}
