// Role: vectors as vec_graph reads them: a little-endian float32 BLOB, for binding as a parameter.
export function serializeF32(values) {
  if (values == null || typeof values.length !== 'number') {
    throw new TypeError('serializeF32: expected an array or typed array of numbers');
  }
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const x = Number(values[i]);
    if (!Number.isFinite(x)) throw new RangeError(`serializeF32: element ${i} is ${values[i]}, not a finite number`);
    view.setFloat32(i * 4, x, true);
  }
  return bytes;
}
