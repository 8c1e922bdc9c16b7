/**
 * The few EXIF facts the library shows and filters on (date taken, camera, GPS, orientation), read with
 * exifr from the bytes already in memory. EXIF is optional decoration: a broken EXIF block yields `{}`,
 * never a failed import.
 *
 * @example await readExif(bytes) // { takenAt: '2021-06-01T12:00:00', camera: 'Canon EOS 5D', gps: {lat, lon}, orientation: 6 }
 */
import exifr from 'exifr';

export interface ExifFacts {
  /** Local wall-clock time as recorded by the camera, ISO 8601 without zone (EXIF has none). */
  takenAt?: string;
  camera?: string;
  gps?: { lat: number; lon: number };
  orientation?: number;
}

function localIso(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getFullYear(), 4)}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export async function readExif(bytes: Buffer): Promise<ExifFacts> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await exifr.parse(bytes, {
      tiff: true,
      ifd0: { pick: ['Make', 'Model', 'Orientation'] } as never,
      exif: { pick: ['DateTimeOriginal', 'CreateDate'] } as never,
      gps: true,
      xmp: false,
      icc: false,
      iptc: false,
      jfif: false,
      ihdr: false,
      translateValues: false,
      reviveValues: true,
    });
  } catch {
    return {};
  }
  if (!raw) return {};
  const facts: ExifFacts = {};
  const date = raw.DateTimeOriginal ?? raw.CreateDate;
  if (date instanceof Date && !Number.isNaN(date.getTime())) facts.takenAt = localIso(date);
  const make = typeof raw.Make === 'string' ? raw.Make.trim() : '';
  const model = typeof raw.Model === 'string' ? raw.Model.trim() : '';
  // Many cameras repeat the make inside the model ("Canon" + "Canon EOS 5D").
  const camera = model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`.trim();
  if (camera) facts.camera = camera;
  if (
    typeof raw.latitude === 'number' &&
    typeof raw.longitude === 'number' &&
    Number.isFinite(raw.latitude) &&
    Number.isFinite(raw.longitude)
  ) {
    facts.gps = { lat: raw.latitude, lon: raw.longitude };
  }
  if (typeof raw.Orientation === 'number' && raw.Orientation >= 1 && raw.Orientation <= 8)
    facts.orientation = raw.Orientation;
  return facts;
}
