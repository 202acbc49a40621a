// AssemblyScript: bulk fills and copies of heap blocks (the `fill` and contiguous `copy` kernels,
// and zeroing of outputs that kernels accumulate into). Each call covers one task's range, so the
// worker pool can split a large block.

/** Sets `n` float32 elements at `out` to `value`. */
export function fill_f32(out: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize> i << 2), v);
  for (; i < n; i++) store<f32>(out + (<usize> i << 2), value);
}

/** Sets `n` int32 elements at `out` to `value`. */
export function fill_i32(out: usize, n: i32, value: i32): void {
  const v = i32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize> i << 2), v);
  for (; i < n; i++) store<i32>(out + (<usize> i << 2), value);
}

/** Sets `n` float64 elements at `out` to `value`. */
export function fill_f64(out: usize, n: i32, value: f64): void {
  const v = f64x2.splat(value);
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(out + (<usize> i << 3), v);
  for (; i < n; i++) store<f64>(out + (<usize> i << 3), value);
}

/** Copies `bytes` bytes from `src` to `out` (the blocks do not overlap). */
export function copy_bytes(out: usize, src: usize, bytes: i32): void {
  memory.copy(out, src, <usize> bytes);
}
