/**
 * The benchmark's workloads: what each computes, its shapes, and how many floating-point operations
 * it counts.
 *
 * FLOP convention: a multiply-add is 2 FLOPs. matmul M×K·K×N is 2·M·N·K; a conv2d forward is
 * 2·N·Ho·Wo·Cout·Cin·kh·kw, and its backward (input and filter gradients) twice that. A training
 * step counts only its matmuls and convs, forward ×3 for forward plus backward; pooling,
 * activations, the loss and the optimizer update are not counted.
 *
 * @module
 */

/** A product of an M×K and a K×N matrix. */
export interface MatmulSpec {
  readonly kind: "matmul";
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** A 'same'-padded, stride-1 conv2d of a batch; `backward` adds both gradients to the forward. */
export interface ConvSpec {
  readonly kind: "conv";
  readonly batch: number;
  readonly size: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly backward: boolean;
}

/** One Adam step of the 784-256-256-10 ReLU MLP with cross-entropy. */
export interface MlpSpec {
  readonly kind: "mlp";
  readonly batch: number;
}

/**
 * One Adam step of the chapter-5 CNN on 28×28×1 inputs: conv5×5×32, pool, conv5×5×64, pool,
 * fc1024, fc10 ('same' convs with ReLU, 2×2 max pools), cross-entropy.
 */
export interface CnnSpec {
  readonly kind: "cnn";
  readonly batch: number;
}

/** What a workload computes. */
export type WorkloadSpec = MatmulSpec | ConvSpec | MlpSpec | CnnSpec;

/** A named workload with its FLOP count. */
export interface Workload {
  /** Short and typeable, so `--only` can select it, e.g. "matmul 256x256x256". */
  readonly name: string;
  readonly spec: WorkloadSpec;
  /** Floating-point operations per run, by the convention in the module docs. */
  readonly flops: number;
  /** Examples per run, for training steps (samples/s); absent for single ops. */
  readonly samples?: number;
}

/** The MLP's layer widths. */
export const MLP_LAYERS = [784, 256, 256, 10] as const;

/** FLOPs of an M×K·K×N matmul. */
export function matmulFlops(m: number, k: number, n: number): number {
  return 2 * m * n * k;
}

/** FLOPs of a 'same'-padded stride-1 conv2d forward (output size = input size). */
export function convForwardFlops(
  batch: number,
  size: number,
  inChannels: number,
  outChannels: number,
  kernel: number,
): number {
  return 2 * batch * size * size * outChannels * inChannels * kernel * kernel;
}

/** The FLOPs of one run of `spec`. */
export function flopsOf(spec: WorkloadSpec): number {
  switch (spec.kind) {
    case "matmul":
      return matmulFlops(spec.m, spec.k, spec.n);
    case "conv": {
      const fwd = convForwardFlops(
        spec.batch,
        spec.size,
        spec.inChannels,
        spec.outChannels,
        spec.kernel,
      );
      return spec.backward ? 3 * fwd : fwd;
    }
    case "mlp": {
      let fwd = 0;
      for (let i = 0; i + 1 < MLP_LAYERS.length; i++) {
        fwd += matmulFlops(spec.batch, MLP_LAYERS[i], MLP_LAYERS[i + 1]);
      }
      return 3 * fwd;
    }
    case "cnn": {
      const b = spec.batch;
      const fwd = convForwardFlops(b, 28, 1, 32, 5) + convForwardFlops(b, 14, 32, 64, 5) +
        matmulFlops(b, 7 * 7 * 64, 1024) + matmulFlops(b, 1024, 10);
      return 3 * fwd;
    }
  }
}

/** A workload's name, from its spec. */
function nameOf(spec: WorkloadSpec): string {
  switch (spec.kind) {
    case "matmul":
      return `matmul ${spec.m}x${spec.k}x${spec.n}`;
    case "conv": {
      const { kernel: k, size: s } = spec;
      return `conv ${spec.backward ? "fwd+bwd" : "fwd"} ${k}x${k}x${spec.outChannels} on ` +
        `${s}x${s}x${spec.inChannels} b${spec.batch}`;
    }
    case "mlp":
      return `mlp step ${MLP_LAYERS.join("-")} b${spec.batch}`;
    case "cnn":
      return `cnn step b${spec.batch}`;
  }
}

/** A workload from its spec. */
export function workload(spec: WorkloadSpec): Workload {
  const samples = spec.kind === "mlp" || spec.kind === "cnn" ? spec.batch : undefined;
  return { name: nameOf(spec), spec, flops: flopsOf(spec), ...(samples ? { samples } : {}) };
}

/**
 * The suite of issue 5. `quick` shrinks the conv and CNN batches to 4 so tests stay fast; the
 * matmuls and the MLP keep their shapes.
 */
export function workloads(quick = false): Workload[] {
  const convBatch = quick ? 4 : 64;
  // The chapter-5 MNIST CNN's two conv layers, and a mid-network CIFAR-10 layer.
  const convLayers = [
    { size: 28, inChannels: 1, outChannels: 32, kernel: 5 },
    { size: 14, inChannels: 32, outChannels: 64, kernel: 5 },
    { size: 32, inChannels: 32, outChannels: 64, kernel: 3 },
  ];
  const specs: WorkloadSpec[] = [
    { kind: "matmul", m: 128, k: 784, n: 256 },
    { kind: "matmul", m: 256, k: 256, n: 256 },
    { kind: "matmul", m: 1024, k: 1024, n: 1024 },
    ...convLayers.flatMap((layer): ConvSpec[] => [
      { kind: "conv", batch: convBatch, ...layer, backward: false },
      { kind: "conv", batch: convBatch, ...layer, backward: true },
    ]),
    { kind: "mlp", batch: 128 },
    { kind: "cnn", batch: convBatch },
  ];
  return specs.map(workload);
}
