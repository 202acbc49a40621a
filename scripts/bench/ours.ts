/**
 * Our library as a bench peer, on one of its registered backends.
 *
 * @module
 */

import {
  Adam,
  Conv2d,
  conv2d,
  crossEntropy,
  Flatten,
  grads,
  Linear,
  matmul,
  MaxPool2d,
  type Module,
  randint,
  randn,
  ReLU,
  seed,
  Sequential,
  setBackend,
  type Tensor,
  tidy,
} from "../../lib/mod.ts";
import { activeThreads, poolReady, variant } from "../../lib/backend/wasm/mod.ts";
import { checksum, gpuActivation, type Peer, type PeerOptions, type Step } from "./peer.ts";
import { MLP_LAYERS, type Workload } from "./workloads.ts";

/** How to reach one of our backends. */
export interface OursOptions {
  /** The row label. */
  readonly name: string;
  /** The registered backend name passed to `setBackend`. */
  readonly backend: string;
  /** The backend needs a WebGPU adapter. */
  readonly gpu?: boolean;
  /** The peer whose results a correctness-only run must match. */
  readonly reference?: string;
}

/** Our library on `options.backend`. */
export function oursPeer(options: OursOptions): Peer {
  let report: string[] = [];
  return {
    name: options.name,
    gpu: options.gpu ?? false,
    reference: options.reference,
    async activate(peerOptions: PeerOptions) {
      const activation = options.gpu
        ? await gpuActivation(peerOptions)
        : { mode: "timed" as const };
      if (activation.mode === "cannot") return activation;
      try {
        await poolReady; // time the whole worker pool, not a pool still starting
        const r = await setBackend(options.backend);
        // A kernel the backend lacks shows up as "cannot" rows; the note says which up front.
        const missing = r.missingKernels.length ? r.missingKernels.join(", ") : "none";
        const how = r.name === "cpu"
          ? `, WASM ${variant === "relaxed" ? "relaxed SIMD (fused multiply-add)" : "SIMD"} on ` +
            `${activeThreads()} threads`
          : "";
        const adapter = activation.adapter ? `, adapter ${activation.adapter}` : "";
        report = [
          `${options.name}: backend "${r.name}"${how}${adapter}, missing kernels: ${missing}`,
        ];
      } catch (e) {
        return { mode: "cannot", reason: (e as Error).message };
      }
      return activation;
    },
    prepare: prepareOurs,
    notes: () => report,
  };
}

/** A step over tensors made once; `body` returns what to read back to force completion. */
function opStep(inputs: Tensor[], body: () => Tensor[]): Step {
  return {
    async run() {
      // tidy frees each run's outputs and intermediates, so liveTensors() stays flat.
      const outs = tidy(body);
      let sum = 0;
      for (const o of outs) sum += checksum(await o.data());
      for (const o of outs) o.dispose();
      return sum;
    },
    dispose: () => inputs.forEach((t) => t.dispose()),
  };
}

/** One Adam step of `model` on a fixed batch, reading the loss back. */
function trainStep(model: Module, x: Tensor, y: Tensor): Step {
  const opt = new Adam(model.parameters());
  return {
    async run() {
      const loss = tidy(() => {
        opt.zeroGrad();
        const l = crossEntropy(model.forward(x), y);
        l.backward();
        opt.step();
        return l;
      });
      const value = checksum(await loss.data());
      loss.dispose();
      return value;
    },
    dispose() {
      // Gradients, Adam's moments and the parameters all outlive a run; free them all.
      opt.zeroGrad();
      opt.dispose();
      model.parameters().forEach((p) => p.dispose());
      x.dispose();
      y.dispose();
    },
  };
}

/** Builds our step for `w` on the current backend. */
function prepareOurs(w: Workload): Step {
  seed(1);
  const s = w.spec;
  switch (s.kind) {
    case "matmul": {
      const a = randn([s.m, s.k]), b = randn([s.k, s.n]);
      return opStep([a, b], () => [matmul(a, b)]);
    }
    case "conv": {
      // Our layout is NCHW with filters [out, in, kH, kW].
      const x = randn([s.batch, s.inChannels, s.size, s.size]);
      const f = randn([s.outChannels, s.inChannels, s.kernel, s.kernel]);
      const conv = (a: Tensor, b: Tensor) => conv2d(a, b, { padding: "same" });
      if (!s.backward) return opStep([x, f], () => [conv(x, f)]);
      const dy = randn([s.batch, s.outChannels, s.size, s.size]);
      return opStep([x, f, dy], () => grads(conv, dy)(x, f));
    }
    case "mlp": {
      const layers: Module[] = [];
      for (let i = 0; i + 1 < MLP_LAYERS.length; i++) {
        if (i > 0) layers.push(new ReLU());
        layers.push(new Linear(MLP_LAYERS[i], MLP_LAYERS[i + 1]));
      }
      return trainStep(new Sequential(...layers), randn([s.batch, 784]), randint(0, 10, [s.batch]));
    }
    case "cnn": {
      const model = new Sequential(
        new Conv2d(1, 32, 5, { padding: "same" }),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(32, 64, 5, { padding: "same" }),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(7 * 7 * 64, 1024),
        new ReLU(),
        new Linear(1024, 10),
      );
      return trainStep(model, randn([s.batch, 1, 28, 28]), randint(0, 10, [s.batch]));
    }
  }
}
