/**
 * CRC-64 with the ECMA-182 polynomial in Go's hash/crc64 form (reflected, initial and final value
 * all ones; also known as CRC-64/XZ). mongodump writes this checksum of each collection's
 * documents into the archive's end-of-collection header, and mongorestore refuses a mismatch.
 * Kept as two 32-bit halves: plain numbers are fast where BigInt arithmetic per byte is not.
 */
const POLY_HIGH = 0xc96c5795;
const POLY_LOW = 0xd7870f42;

const TABLE_HIGH = new Uint32Array(256);
const TABLE_LOW = new Uint32Array(256);
for (let byte = 0; byte < 256; byte++) {
  let high = 0;
  let low = byte;
  for (let bit = 0; bit < 8; bit++) {
    const carry = low & 1;
    low = ((low >>> 1) | ((high & 1) << 31)) >>> 0;
    high >>>= 1;
    if (carry) {
      high = (high ^ POLY_HIGH) >>> 0;
      low = (low ^ POLY_LOW) >>> 0;
    }
  }
  TABLE_HIGH[byte] = high;
  TABLE_LOW[byte] = low;
}

export class Crc64 {
  // The running value with Go's initial inversion applied.
  private high = 0xffffffff;
  private low = 0xffffffff;

  update(bytes: Uint8Array): this {
    let high = this.high;
    let low = this.low;
    for (let i = 0; i < bytes.length; i++) {
      const index = (low ^ bytes[i]) & 0xff;
      low = (((low >>> 8) | (high << 24)) ^ TABLE_LOW[index]) >>> 0;
      high = ((high >>> 8) ^ TABLE_HIGH[index]) >>> 0;
    }
    this.high = high;
    this.low = low;
    return this;
  }

  /** The checksum as mongodump stores it: Go's uint64 reinterpreted as a signed int64. */
  signed(): bigint {
    return BigInt.asIntN(64, (BigInt(~this.high >>> 0) << 32n) | BigInt(~this.low >>> 0));
  }
}
