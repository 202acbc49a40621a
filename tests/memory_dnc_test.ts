/**
 * The DNC's usage, precedence and temporal links (lib/memory/dnc.ts): hand-worked values,
 * gradients against finite differences, and clear errors for bad shapes.
 */

import {
  assertClose,
  assertThrowsWith,
  dncDirectional,
  dncLinks,
  dncPrecedence,
  dncUsage,
  gradcheck,
  rand,
  randn,
  tensor,
  zeros,
} from "../lib/mod.ts";

Deno.test("dncUsage: a write marks its slot used, a free gate releases what was read", () => {
  const usage = tensor([[0.5, 0, 0, 1]]);
  const written = dncUsage(usage, tensor([[0, 1, 0, 0]]), zeros([1, 1]), zeros([1, 1, 4]));
  assertClose(written, [[0.5, 1, 0, 1]]);
  // u + w − u⊙w for a soft write: 0.5 + 0.5 − 0.25.
  const soft = dncUsage(usage, tensor([[0.5, 0, 0, 0]]), zeros([1, 1]), zeros([1, 1, 4]));
  assertClose(soft, [[0.75, 0, 0, 1]]);
  // Two read heads: head 0 frees slot 3 fully, head 1 half of slot 0.
  const freed = dncUsage(
    usage,
    zeros([1, 4]),
    tensor([[1, 0.5]]),
    tensor([[[0, 0, 0, 1], [1, 0, 0, 0]]]),
  );
  assertClose(freed, [[0.25, 0, 0, 0]], { atol: 1e-6 });
});

Deno.test("dncPrecedence follows the last write and fades with a weak one", () => {
  let p = dncPrecedence(zeros([1, 3]), tensor([[0, 1, 0]]));
  assertClose(p, [[0, 1, 0]]);
  p = dncPrecedence(p, tensor([[0.5, 0, 0]]));
  assertClose(p, [[0.5, 0.5, 0]]);
});

Deno.test("dncLinks records the order of writes, and dncDirectional follows it", () => {
  let links = zeros([1, 4, 4]), p = zeros([1, 4]);
  for (const slot of [2, 0, 3]) {
    const w = tensor([[0, 1, 2, 3].map((i) => (i === slot ? 1 : 0))]);
    links = dncLinks(links, w, p);
    p = dncPrecedence(p, w);
  }
  const want = [[0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]];
  assertClose(links, [want]);
  const { forward, backward } = dncDirectional(links, tensor([[1, 0, 0, 0]]));
  assertClose(forward, [[0, 0, 0, 1]]); // slot 3 was written after slot 0
  assertClose(backward, [[0, 0, 1, 0]]); // slot 2 before it
  // Rewriting a slot erases its old links: L[i, j] scales by 1 − w_i − w_j.
  const again = dncLinks(links, tensor([[1, 0, 0, 0]]), p);
  assertClose(again, [[[0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]]);
});

Deno.test("the DNC ops' gradients match finite differences", async () => {
  const w = () => rand([2, 4]).softmax(-1).mul(0.8);
  await gradcheck(
    (u, ww, f, wr) => dncUsage(u, ww, f, wr),
    [rand([2, 4]), w(), rand([2, 2]), rand([2, 2, 4]).softmax(-1)],
  );
  await gradcheck((p, ww) => dncPrecedence(p, ww), [w(), w()]);
  await gradcheck((l, ww, p) => dncLinks(l, ww, p), [rand([2, 4, 4]), w(), w()]);
  await gradcheck((l, r) => dncDirectional(l, r).forward.add(dncDirectional(l, r).backward), [
    rand([2, 4, 4]),
    w(),
  ]);
});

Deno.test("the DNC ops reject bad shapes with a clear error", () => {
  assertThrowsWith(
    () => dncUsage(zeros([2, 4]), zeros([2, 3]), zeros([2, 1]), zeros([2, 1, 4])),
    "writeWeights",
    "[2, 4]",
  );
  assertThrowsWith(
    () => dncUsage(zeros([2, 4]), zeros([2, 4]), zeros([2, 2]), zeros([2, 1, 4])),
    "readWeights",
    "[2, 2, 4]",
  );
  assertThrowsWith(() => dncPrecedence(zeros([2, 4]), zeros([2, 5])), "writeWeights");
  assertThrowsWith(() => dncLinks(zeros([2, 4, 3]), zeros([2, 4]), zeros([2, 4])), "links");
  assertThrowsWith(() => dncDirectional(randn([2, 4, 4]), zeros([2, 3])), "readWeights");
});
