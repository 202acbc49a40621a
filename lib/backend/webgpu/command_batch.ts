/**
 * Recording kernels: dispatches go into one compute pass of one command encoder, and the batch is
 * submitted only when something must see the results (a read, an upload) or the batch is full, so
 * a training step costs a few submits however many kernels it runs.
 *
 * Each dispatch gets 256 bytes of parameters (64 words) in a uniform block shared by the batch; the
 * block is written once, just before the submit, and is reused only after the GPU finished it.
 *
 * @module
 */

/** Bytes of one dispatch's parameters: the uniform-offset alignment WebGPU guarantees. */
export const PARAM_BYTES = 256;
/** 32-bit words of parameters per dispatch. */
export const PARAM_WORDS = PARAM_BYTES / 4;
/** Dispatches per batch before it is submitted anyway. */
const DISPATCHES_PER_BATCH = 256;

/** What one dispatch binds and runs. */
export interface Dispatch {
  /** The compute pipeline (its shader's bind group 0: params, then the buffers in order). */
  readonly pipeline: GPUComputePipeline;
  /** Storage buffers, bound at 1, 2, … in the shader's order. */
  readonly buffers: readonly GPUBuffer[];
  /** Parameter words (u32 bits; write floats with {@link floatBits}). At most 64. */
  readonly params: ArrayLike<number>;
  /** Workgroups in x and y (use y past the adapter's per-dimension limit). */
  readonly workgroups: readonly [number, number];
}

const floatView = new Float32Array(1);
const bitsView = new Uint32Array(floatView.buffer);

/** The u32 bits of a float32, for a parameter word that the shader reads with `bitcast<f32>`. */
export function floatBits(x: number): number {
  floatView[0] = x;
  return bitsView[0];
}

/** The open batch of one device. */
export class CommandBatch {
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #block: GPUBuffer | null = null;
  #words = new Uint32Array(DISPATCHES_PER_BATCH * PARAM_WORDS);
  #count = 0;
  readonly #spareBlocks: GPUBuffer[] = [];
  #submits = 0;

  constructor(readonly device: GPUDevice) {}

  /** Records one dispatch. */
  dispatch(d: Dispatch): void {
    if (d.params.length > PARAM_WORDS) {
      throw new Error(`a dispatch takes at most ${PARAM_WORDS} parameter words`);
    }
    if (d.workgroups[0] === 0 || d.workgroups[1] === 0) return;
    if (this.#count === DISPATCHES_PER_BATCH) this.submit();
    this.#encoder ??= this.device.createCommandEncoder();
    this.#pass ??= this.#encoder.beginComputePass();
    this.#block ??= this.#spareBlocks.pop() ?? this.device.createBuffer({
      size: DISPATCHES_PER_BATCH * PARAM_BYTES,
      usage: 0x40 /* UNIFORM */ | 0x08, /* COPY_DST */
    });
    const slot = this.#count++;
    this.#words.fill(0, slot * PARAM_WORDS, (slot + 1) * PARAM_WORDS);
    this.#words.set(d.params, slot * PARAM_WORDS);
    const entries: GPUBindGroupEntry[] = [
      {
        binding: 0,
        resource: { buffer: this.#block, offset: slot * PARAM_BYTES, size: PARAM_BYTES },
      },
      ...d.buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
    ];
    const bindGroup = this.device.createBindGroup({
      layout: d.pipeline.getBindGroupLayout(0),
      entries,
    });
    this.#pass.setPipeline(d.pipeline);
    this.#pass.setBindGroup(0, bindGroup);
    this.#pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1]);
  }

  /** Copies `bytes` bytes between buffers, in order with the recorded dispatches. */
  copy(source: GPUBuffer, target: GPUBuffer, bytes: number): void {
    this.#encoder ??= this.device.createCommandEncoder();
    this.#pass?.end();
    this.#pass = null;
    this.#encoder.copyBufferToBuffer(source, 0, target, 0, bytes);
  }

  /** Submits whatever is recorded. */
  submit(): void {
    if (!this.#encoder) return;
    this.#pass?.end();
    const block = this.#block;
    if (block) {
      this.device.queue.writeBuffer(block, 0, this.#words, 0, this.#count * PARAM_WORDS);
    }
    this.device.queue.submit([this.#encoder.finish()]);
    this.#submits++;
    if (block) {
      // The block may be rewritten only after the GPU has run what reads it.
      this.device.queue.onSubmittedWorkDone().then(() => this.#spareBlocks.push(block));
    }
    this.#encoder = null;
    this.#pass = null;
    this.#block = null;
    this.#count = 0;
  }

  /** Submits so far, for tests that check kernels are batched. */
  get submits(): number {
    return this.#submits;
  }
}
