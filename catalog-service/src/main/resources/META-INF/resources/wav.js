// WAV helpers: G.711 (A-law, µ-law) to 16-bit PCM, for browsers that do not decode G.711 WAV.

function alaw(b) {
  let a = b ^ 0x55;
  const seg = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t += seg === 0 ? 8 : 0x108;
  if (seg > 1) {
    t <<= seg - 1;
  }
  return a & 0x80 ? t : -t;
}

function ulaw(b) {
  const u = ~b & 0xff;
  let t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/**
 * A 16-bit PCM WAV of the G.711 WAV `bytes` (format tag 6 or 7, 8-bit samples), or null when
 * it is not one.
 */
export function pcm16Wav(bytes) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 44 || v.getUint32(0, false) !== 0x52494646 || v.getUint32(8, false) !== 0x57415645) {
    return null;
  }
  let pos = 12;
  let format = 0;
  let channels = 1;
  let rate = 8000;
  while (pos + 8 <= bytes.length) {
    const id = v.getUint32(pos, false);
    const size = v.getUint32(pos + 4, true);
    if (id === 0x666d7420) { // 'fmt '
      format = v.getUint16(pos + 8, true);
      channels = v.getUint16(pos + 10, true);
      rate = v.getUint32(pos + 12, true);
    } else if (id === 0x64617461) { // 'data'
      if (format !== 6 && format !== 7) {
        return null;
      }
      const decode = format === 6 ? alaw : ulaw;
      const n = Math.min(size, bytes.length - pos - 8);
      const out = new DataView(new ArrayBuffer(44 + n * 2));
      const ascii = (at, s) => [...s].forEach((c, i) => out.setUint8(at + i, c.charCodeAt(0)));
      ascii(0, 'RIFF');
      out.setUint32(4, 36 + n * 2, true);
      ascii(8, 'WAVE');
      ascii(12, 'fmt ');
      out.setUint32(16, 16, true);
      out.setUint16(20, 1, true);
      out.setUint16(22, channels, true);
      out.setUint32(24, rate, true);
      out.setUint32(28, rate * channels * 2, true);
      out.setUint16(32, channels * 2, true);
      out.setUint16(34, 16, true);
      ascii(36, 'data');
      out.setUint32(40, n * 2, true);
      for (let i = 0; i < n; i++) {
        out.setInt16(44 + i * 2, decode(bytes[pos + 8 + i]), true);
      }
      return new Uint8Array(out.buffer);
    }
    pos += 8 + size + (size & 1);
  }
  return null;
}
