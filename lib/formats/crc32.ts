/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as used by ZIP and
 * PNG. Table-driven, one byte at a time: fast enough for uploads and
 * independent of Node's zlib.crc32, which only exists from Node 20.15.
 */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** `previous` continues a running CRC over several pieces (PNG: type + data). */
export function crc32(data: Uint8Array, previous = 0): number {
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = (TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
