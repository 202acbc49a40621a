/**
 * The webgpu backend's fused adamUpdate on the software adapter (llvmpipe), against the cpu
 * backend: the op on views and at several steps, and a few steps of the Adam optimizer, which
 * carries its moments from step to step. Every f32 operation rounds as the cpu's does, so the
 * results agree to a few float32 ulps.
 */

import { adamUpdate, Rng, type Tensor } from "../../lib/mod.ts";
import { Adam } from "../../lib/optim/mod.ts";
import "../../lib/backend/webgpu/mod.ts";
import { assertSameOnGpu, type HostTensor } from "./compare.ts";

const rng = new Rng(5);
const host = (shape: number[], positive = false): HostTensor => ({
  shape,
  values: Array.from(
    { length: shape.reduce((a, b) => a * b, 1) },
    () => positive ? rng.uniform() * 2 : rng.normal(),
  ),
});
/** A few ulps of float32 (2⁻²³ ≈ 1.2e-7 relative each); sqrt and division may differ slightly. */
const ulps = { rtol: 5e-7, atol: 1e-9 };

Deno.test("webgpu adamUpdate: [θ', m', v'] match the cpu on views and at many steps", async () => {
  const shape = [7, 9];
  const inputs = [host(shape), host(shape), host(shape), host(shape, true)];
  for (const step of [1, 2, 10, 1000]) {
    const attrs = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, step };
    await assertSameOnGpu(
      inputs,
      (p, g, m, v) => adamUpdate(p, g, m, v, attrs),
      `adamUpdate at step ${step}`,
      ulps,
    );
  }
  const attrs = { lr: 0.3, beta1: 0.5, beta2: 0.75, eps: 1e-3, step: 3 };
  await assertSameOnGpu(
    [host([9, 7]), host([7, 9]), host([7]), host([7, 18], true)],
    (p, g, m, v) =>
      adamUpdate(p.transpose(), g, m.reshape([7, 1]).broadcastTo([7, 9]), v.slice([0, 1], [7, 9]), {
        ...attrs,
      }),
    "adamUpdate on transposed, broadcast and sliced views",
    ulps,
  );
  await assertSameOnGpu(
    [host([5]), host([5]), host([5]), host([5])].map((h) => ({
      ...h,
      values: h.values.map(() => 0),
    })),
    (p, g, m, v) => adamUpdate(p, g, m, v, { ...attrs, eps: 0 }),
    "zero gradient with zero ε (0/0 is NaN on both)",
    ulps,
  );
});

Deno.test("webgpu Adam: a few optimizer steps on a small parameter match the cpu", async () => {
  const shape = [3, 4];
  const gradients = [host(shape), host(shape), host(shape), host(shape)];
  await assertSameOnGpu(
    [host(shape), ...gradients],
    (start, ...gs) => {
      const p = start.detach();
      p.requiresGrad = true;
      const opt = new Adam([p], { lr: 0.05 });
      for (const g of gs) {
        p.zeroGrad();
        p.grad = g;
        opt.step();
      }
      return p as Tensor;
    },
    "4 Adam steps",
    { rtol: 2e-6, atol: 1e-7 },
  );
});
