// SPDX-License-Identifier: Apache-2.0
// Packs the files of a dropped folder into one zip (stored, not compressed: DICOM hardly
// compresses and the browser should not spend seconds on it), so that a folder and a CD's zip
// take the same way to the server (POST …/imaging/imports, application/zip). Only each file's
// CRC-32 is computed here; the file bodies go into the Blob as they are, without a copy.

/** A file to pack and its path inside the folder (`DICOM/PA000000/ST000000/IM000000`). */
export interface PackFile {
  path: string;
  file: Blob;
}

/** Beyond these the format needs Zip64, which this writer does not do (the server refuses such
 *  an import anyway: a CD is 700 MB). */
export const ZIP_MAX_FILES = 65_535;
export const ZIP_MAX_BYTES = 0xffff_ffff;

let crcTable: Uint32Array | null = null;

function table(): Uint32Array {
  if (crcTable) return crcTable;
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  crcTable = t;
  return t;
}

/** CRC-32 (ISO 3309, as zip uses it) of bytes. */
export function crc32(bytes: Uint8Array): number {
  const t = table();
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = (t[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Packed {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
}

/** The local file header (APPNOTE 4.3.7): version 2.0, UTF-8 names (bit 11), stored. */
function localHeader(p: Packed): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(30 + p.name.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x04034b50, true);
  v.setUint16(4, 20, true);
  v.setUint16(6, 0x0800, true);
  v.setUint16(8, 0, true);
  v.setUint32(14, p.crc, true);
  v.setUint32(18, p.size, true);
  v.setUint32(22, p.size, true);
  v.setUint16(26, p.name.length, true);
  b.set(p.name, 30);
  return b;
}

/** The central directory header (APPNOTE 4.3.12) of a regular file. */
function centralHeader(p: Packed): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(46 + p.name.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x02014b50, true);
  v.setUint16(4, 20, true);
  v.setUint16(6, 20, true);
  v.setUint16(8, 0x0800, true);
  v.setUint32(16, p.crc, true);
  v.setUint32(20, p.size, true);
  v.setUint32(24, p.size, true);
  v.setUint16(28, p.name.length, true);
  v.setUint32(42, p.offset, true);
  b.set(p.name, 46);
  return b;
}

function endRecord(count: number, size: number, offset: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(22);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, count, true);
  v.setUint16(10, count, true);
  v.setUint32(12, size, true);
  v.setUint32(16, offset, true);
  return b;
}

/**
 * A zip of the files (read one at a time for their CRC); rejects with 'too_large' past the
 * limits above. progress(done, total) is called after each file.
 */
export async function packZip(files: PackFile[], progress?: (done: number, total: number) => void): Promise<Blob> {
  if (files.length > ZIP_MAX_FILES) throw new Error('too_large');
  const encoder = new TextEncoder();
  const parts: BlobPart[] = [];
  const central: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  for (const [index, entry] of files.entries()) {
    const bytes = new Uint8Array(await entry.file.arrayBuffer());
    const packed: Packed = { name: encoder.encode(entry.path), crc: crc32(bytes), size: bytes.length, offset };
    const header = localHeader(packed);
    parts.push(header, entry.file);
    central.push(centralHeader(packed));
    offset += header.length + bytes.length;
    if (offset > ZIP_MAX_BYTES) throw new Error('too_large');
    progress?.(index + 1, files.length);
  }
  const centralSize = central.reduce((sum, c) => sum + c.length, 0);
  return new Blob([...parts, ...central, endRecord(files.length, centralSize, offset)], { type: 'application/zip' });
}
