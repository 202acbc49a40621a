/**
 * TensorFlow.js as a bench peer, on its cpu, wasm or webgpu backend, in this same process.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import "@tensorflow/tfjs-backend-webgpu";
import { checksum, gpuActivation, type Peer, type PeerOptions, type Step } from "./peer.ts";
import { MLP_LAYERS, type Workload } from "./workloads.ts";

// PROD silences the "install tfjs-node" banner and skips debug checks that would slow every op.
tf.env().set("PROD", true);

// tfjs-wasm fetches its .wasm binaries by URL at init. In Deno, the npm package lives in Deno's
// cache, and import.meta.resolve gives its file:// URL, which Deno's fetch reads directly.
const wasmFile = import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm");
setWasmPaths(wasmFile.slice(0, wasmFile.lastIndexOf("/") + 1));

/** The tfjs backends the bench knows. */
export type TfjsBackend = "cpu" | "wasm" | "webgpu";

/** TensorFlow.js on `backend`. */
export function tfjsPeer(backend: TfjsBackend): Peer {
  const name = `tfjs ${backend}`;
  let adapter: string | undefined;
  return {
    name,
    gpu: backend === "webgpu",
    reference: backend === "cpu" ? undefined : "tfjs cpu",
    async activate(options: PeerOptions) {
      const activation = backend === "webgpu"
        ? await gpuActivation(options)
        : { mode: "timed" as const };
      if (activation.mode === "cannot") return activation;
      adapter = activation.adapter;
      try {
        if (!(await tf.setBackend(backend))) {
          return { mode: "cannot", reason: `tfjs could not initialise its ${backend} backend` };
        }
      } catch (e) {
        return { mode: "cannot", reason: (e as Error).message };
      }
      await tf.ready();
      return activation;
    },
    prepare: prepareTfjs,
    notes() {
      if (adapter) return [`${name}: adapter ${adapter}`];
      if (backend !== "wasm" || tf.getBackend() !== "wasm") return [];
      const env = tf.env();
      return [
        `${name}: SIMD ${env.getBool("WASM_HAS_SIMD_SUPPORT") ? "on" : "off"}, threads ` +
        `${env.getBool("WASM_HAS_MULTITHREAD_SUPPORT") ? "on" : "off"}`,
      ];
    },
  };
}

/** A step over tensors made once; `body` returns the tensors to read back to force completion. */
function opStep(inputs: tf.Tensor[], body: () => tf.Tensor[]): Step {
  return {
    async run() {
      const outs = tf.tidy(body);
      let sum = 0;
      for (const o of outs) sum += checksum(await o.data());
      tf.dispose(outs);
      return sum;
    },
    dispose: () => tf.dispose(inputs),
  };
}

/** A He-scaled normal tensor, so logits stay sane through a deep stack. */
function weight(shape: number[], fanIn: number): tf.Variable {
  return tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, "float32", 1), Math.sqrt(2 / fanIn)));
}

/** One Adam step of `forward` over `vars` on a fixed batch, reading the loss back. */
function trainStep(
  vars: tf.Variable[],
  forward: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  batch: number,
): Step {
  const labels = tf.oneHot(tf.randomUniformInt([batch], 0, 10, 2), 10);
  const opt = tf.train.adam(1e-3);
  return {
    async run() {
      const loss = tf.tidy(() =>
        opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, forward(x)), true, vars)!
      );
      const value = checksum(await loss.data());
      loss.dispose();
      return value;
    },
    dispose() {
      opt.dispose();
      tf.dispose([...vars, x, labels]);
    },
  };
}

/** Dense layer: x·w + b. */
function dense(x: tf.Tensor, w: tf.Variable, b: tf.Variable): tf.Tensor {
  return tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
}

/** Builds tfjs's step for `w` on the current backend (tfjs layout: NHWC, filters [kH, kW, in, out]). */
function prepareTfjs(w: Workload): Step {
  const s = w.spec;
  switch (s.kind) {
    case "matmul": {
      const a = tf.randomNormal([s.m, s.k], 0, 1, "float32", 11) as tf.Tensor2D;
      const b = tf.randomNormal([s.k, s.n], 0, 1, "float32", 12) as tf.Tensor2D;
      return opStep([a, b], () => [tf.matMul(a, b)]);
    }
    case "conv": {
      const x = tf.randomNormal([s.batch, s.size, s.size, s.inChannels], 0, 1, "float32", 13);
      const f = tf.randomNormal(
        [s.kernel, s.kernel, s.inChannels, s.outChannels],
        0,
        1,
        "float32",
        14,
      );
      const conv = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same");
      if (!s.backward) return opStep([x, f], () => [conv(x, f)]);
      const dy = tf.randomNormal([s.batch, s.size, s.size, s.outChannels], 0, 1, "float32", 15);
      return opStep([x, f, dy], () => tf.grads(conv)([x, f], dy));
    }
    case "mlp": {
      const vars: tf.Variable[] = [];
      for (let i = 0; i + 1 < MLP_LAYERS.length; i++) {
        vars.push(weight([MLP_LAYERS[i], MLP_LAYERS[i + 1]], MLP_LAYERS[i]));
        vars.push(tf.variable(tf.zeros([MLP_LAYERS[i + 1]])));
      }
      const forward = (x: tf.Tensor) => {
        let h = x;
        for (let i = 0; i < vars.length; i += 2) {
          h = dense(h, vars[i], vars[i + 1]);
          if (i + 2 < vars.length) h = tf.relu(h);
        }
        return h;
      };
      return trainStep(
        vars,
        forward,
        tf.randomNormal([s.batch, 784], 0, 1, "float32", 16),
        s.batch,
      );
    }
    case "cnn": {
      const [c1, b1, c2, b2, f1, d1, f2, d2] = [
        weight([5, 5, 1, 32], 25),
        tf.variable(tf.zeros([32])),
        weight([5, 5, 32, 64], 25 * 32),
        tf.variable(tf.zeros([64])),
        weight([7 * 7 * 64, 1024], 7 * 7 * 64),
        tf.variable(tf.zeros([1024])),
        weight([1024, 10], 1024),
        tf.variable(tf.zeros([10])),
      ];
      const block = (x: tf.Tensor, f: tf.Variable, b: tf.Variable) =>
        tf.maxPool(
          tf.relu(
            tf.add(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, "same"), b),
          ) as tf.Tensor4D,
          2,
          2,
          "valid",
        );
      const forward = (x: tf.Tensor) => {
        const h = block(block(x, c1, b1), c2, b2).reshape([s.batch, 7 * 7 * 64]);
        return dense(tf.relu(dense(h, f1, d1)), f2, d2);
      };
      const vars = [c1, b1, c2, b2, f1, d1, f2, d2];
      return trainStep(
        vars,
        forward,
        tf.randomNormal([s.batch, 28, 28, 1], 0, 1, "float32", 17),
        s.batch,
      );
    }
  }
}
