/**
 * The data set loaders (all but CIFAR-10, which has its own file): counts and facts from each
 * SOURCE.md, format validation, and the messages for missing and corrupt files.
 */

import assert from "node:assert/strict";
import { assertClose, assertRejectsWith, assertThrowsWith } from "../lib/mod.ts";
import {
  BABI_TASKS,
  CharVocab,
  classCounts,
  imagesToTensor,
  labelsToTensor,
  loadBabi,
  loadMnist,
  loadSentiment,
  loadTinyShakespeare,
  loadUdEnglishEwt,
  loadWarAndPeace,
  MNIST_CLASSES,
  parseBabi,
  parseConllu,
  parseSourceTable,
  readDataFile,
  sha256Hex,
  splitClassCounts,
  UPOS_TAGS,
} from "../lib/data/mod.ts";

const DATA = new URL("../data/", import.meta.url);

/** Copies data set `set` into a fresh temporary data root; the caller removes it. */
async function copySet(set: string): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "fdl-data-" });
  const copy = async (from: URL, to: string) => {
    await Deno.mkdir(to, { recursive: true });
    for await (const entry of Deno.readDir(from)) {
      if (entry.isDirectory) await copy(new URL(`${entry.name}/`, from), `${to}/${entry.name}`);
      else await Deno.copyFile(new URL(entry.name, from), `${to}/${entry.name}`);
    }
  };
  await copy(new URL(`${set}/`, DATA), `${root}/${set}`);
  return root;
}

/** Runs `fn` with a temporary copy of `set`, removing the copy afterwards. */
async function withCopy(set: string, fn: (root: string) => Promise<void>): Promise<void> {
  const root = await copySet(set);
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// ---------------------------------------------------------------------------------------------
// MNIST

const MNIST_COUNTS = {
  train: [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
  test: [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
};

for (
  const [split, size, meanPixel] of [["train", 60000, 0.1307], ["test", 10000, 0.1325]] as const
) {
  Deno.test(`loadMnist("${split}"): ${size} images, SOURCE.md's label counts and mean pixel`, async () => {
    const set = await loadMnist(split);
    assert.deepEqual(set.images.shape, [size, 28, 28]);
    assert.equal(set.images.data.length, size * 784);
    assert.ok(set.labels instanceof Int32Array);
    assert.equal(set.labels.length, size);
    assert.deepEqual(set.classNames, MNIST_CLASSES);
    const counts = new Array(10).fill(0);
    for (const label of set.labels) counts[label]++;
    assert.deepEqual(counts, MNIST_COUNTS[split]);
    let sum = 0;
    for (const p of set.images.data) sum += p;
    assertClose(sum / set.images.data.length / 255, meanPixel, { atol: 5e-5 });
  });
}

Deno.test("loadMnist: a second load is memoized and fast", async () => {
  const first = await loadMnist("test");
  const start = performance.now();
  const second = await loadMnist("test");
  assert.equal(second, first);
  assert.ok(performance.now() - start < 500, "a memoized load only reads and hashes the files");
});

Deno.test("imagesToTensor and labelsToTensor: [0, 1] floats in either layout, int32 labels", async () => {
  const { images, labels } = await loadMnist("test");
  const flat = imagesToTensor(images, { flatten: true, count: 5 });
  const conv = imagesToTensor(images, { count: 5 });
  const y = labelsToTensor(labels, { count: 5 });
  try {
    assert.deepEqual(flat.shape, [5, 784]);
    assert.deepEqual(conv.shape, [5, 1, 28, 28]);
    assert.equal(flat.dtype, "float32");
    const expected = Float32Array.from(images.data.subarray(0, 5 * 784), (p) => p / 255);
    assertClose(flat.dataSync(), expected);
    assertClose(conv.dataSync(), expected);
    assert.equal(y.dtype, "int32");
    assert.deepEqual(Array.from(y.dataSync()), Array.from(labels.subarray(0, 5)));
    assert.deepEqual(labelsToTensor(labels).shape, [10000]);
    assertThrowsWith(() => imagesToTensor(images, { count: 10001 }), "count", "0 to 10000");
  } finally {
    flat.dispose();
    conv.dispose();
    y.dispose();
  }
});

Deno.test("classCounts and splitClassCounts: MNIST label tables as polars DataFrames", async () => {
  const train = await loadMnist("train"), test = await loadMnist("test");
  const table = await classCounts(train.labels, train.classNames);
  assert.deepEqual(table.columns, ["label", "name", "count", "fraction"]);
  assert.equal(table.height, 10);
  assert.deepEqual(table.getColumn("count").toArray(), MNIST_COUNTS.train);
  assert.deepEqual(table.getColumn("name").toArray(), MNIST_CLASSES);
  assertClose(
    table.getColumn("fraction").toArray() as number[],
    MNIST_COUNTS.train.map((c) => c / 60000),
  );
  const both = await splitClassCounts({ train: train.labels, test: test.labels }, MNIST_CLASSES);
  assert.deepEqual(both.columns, ["label", "name", "train", "test"]);
  assert.deepEqual(both.getColumn("test").toArray(), MNIST_COUNTS.test);
  const unnamed = await classCounts(Int32Array.of(0, 2, 2));
  assert.deepEqual(unnamed.toRecords(), [
    { label: 0, name: "0", count: 1, fraction: 1 / 3 },
    { label: 1, name: "1", count: 0, fraction: 0 },
    { label: 2, name: "2", count: 2, fraction: 2 / 3 },
  ]);
  await assertRejectsWith(() => classCounts([0, 3], ["a", "b"]), "label 3 at index 1", "0…1");
});

Deno.test("a corrupt MNIST file is named, with both checksums and the fix", async () => {
  await withCopy("mnist", async (root) => {
    const path = `${root}/mnist/train-labels-idx1-ubyte.gz`;
    const bytes = await Deno.readFile(path);
    bytes[100] ^= 0xff;
    await Deno.writeFile(path, bytes);
    const expected = parseSourceTable(await Deno.readTextFile(`${root}/mnist/SOURCE.md`))
      .find((e) => e.file === "train-labels-idx1-ubyte.gz")!.sha256;
    await assertRejectsWith(
      () => loadMnist("train", { root }),
      `${path} is corrupt`,
      `its sha256 is ${await sha256Hex(bytes)}`,
      `lists ${expected}`,
      "git checkout -- data/mnist/",
      `copy data/mnist/ to ${root}/mnist/`,
    );
    // The test split is untouched and still loads from the copy.
    assert.equal((await loadMnist("test", { root })).labels.length, 10000);
  });
});

Deno.test("a missing MNIST file is named, with where it was looked for and the fix", async () => {
  await withCopy("mnist", async (root) => {
    await Deno.remove(`${root}/mnist/t10k-images-idx3-ubyte.gz`);
    await assertRejectsWith(
      () => loadMnist("test", { root }),
      `${root}/mnist/t10k-images-idx3-ubyte.gz is missing`,
      "git checkout -- data/mnist/",
    );
    await Deno.remove(`${root}/mnist/SOURCE.md`);
    await assertRejectsWith(() => loadMnist("train", { root }), "mnist/SOURCE.md is missing");
  });
});

Deno.test("under the default root, messages name files relative to the repository", async () => {
  await assertRejectsWith(
    () => readDataFile("nope", "x.gz"),
    "data/nope/SOURCE.md is missing",
    "restore it with `git checkout -- data/nope/` in the repository root",
  );
  await assertRejectsWith(
    () => readDataFile("mnist", "extra.bin"),
    "data/mnist/SOURCE.md lists no sha256 for extra.bin",
  );
});

/** A temporary data root whose mnist/ holds the given files (gzip-compressed) and a SOURCE.md. */
async function fakeMnist(files: Record<string, Uint8Array<ArrayBuffer>>): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "fdl-mnist-" });
  await Deno.mkdir(`${root}/mnist`);
  const rows = ["| file | bytes | sha256 |", "|---|---|---|"];
  for (const [name, content] of Object.entries(files)) {
    const gz = await gzip(content);
    await Deno.writeFile(`${root}/mnist/${name}`, gz);
    rows.push(`| ${name} | ${gz.length} | ${await sha256Hex(gz)} |`);
  }
  await Deno.writeTextFile(`${root}/mnist/SOURCE.md`, rows.join("\n"));
  return root;
}

function idx(magic: number, dims: number[], body: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(4 + 4 * dims.length + body);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return bytes;
}

Deno.test("loadMnist validates IDX magic numbers, sizes and labels", async () => {
  const cases: [Record<string, Uint8Array<ArrayBuffer>>, string[]][] = [
    [
      { images: idx(0x801, [2], 2), labels: idx(0x801, [2], 2) },
      ["train-images-idx3-ubyte.gz: IDX magic number is 0x00000801, expected 0x00000803"],
    ],
    [
      { images: idx(0x803, [2, 28, 28], 2 * 784 - 1), labels: idx(0x801, [2], 2) },
      ["promises 2 × 28 × 28 = 1568 bytes of data, but the file holds 1567"],
    ],
    [
      { images: idx(0x803, [2, 28, 28], 2 * 784), labels: idx(0x801, [3], 3) },
      ["holds 3 labels but", "holds 2 images"],
    ],
    [
      { images: idx(0x803, [1, 28, 28], 784), labels: idx(0x801, [1], 1).fill(10, 8) },
      ["label 0 is 10, not a digit"],
    ],
  ];
  for (const [{ images, labels }, parts] of cases) {
    const root = await fakeMnist({
      "train-images-idx3-ubyte.gz": images,
      "train-labels-idx1-ubyte.gz": labels,
    });
    try {
      await assertRejectsWith(() => loadMnist("train", { root }), ...parts, "git checkout");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Text

Deno.test("loadTinyShakespeare: 1,115,394 characters, 40,000 lines, 65 distinct characters", async () => {
  const text = await loadTinyShakespeare();
  assert.equal(text.length, 1115394);
  assert.equal(text.split("\n").length - 1, 40000);
  assert.ok(text.startsWith("First Citizen:\nBefore we proceed any further, hear me speak."));
  const vocab = CharVocab.fromText(text);
  assert.equal(vocab.size, 65);
  assert.deepEqual(vocab.chars.slice(0, 4), ["\n", " ", "!", "$"]);
  const ids = vocab.encode("First Citizen:");
  assert.ok(ids instanceof Int32Array);
  assert.equal(vocab.decode(ids), "First Citizen:");
  assert.equal(vocab.decode(vocab.encode(text.slice(0, 5000))), text.slice(0, 5000));
});

Deno.test("CharVocab: sorted by code point, clear errors for unknown characters and ids", () => {
  const vocab = new CharVocab("cab\u00e9a");
  assert.deepEqual(vocab.chars, ["a", "b", "c", "\u00e9"]);
  assert.deepEqual(Array.from(vocab.encode("cab")), [2, 0, 1]);
  assertThrowsWith(() => vocab.encode("abz"), '"z" at position 2', "vocabulary of 4");
  assertThrowsWith(() => vocab.decode([0, 4]), "id 4 is outside 0…3");
});

Deno.test("loadWarAndPeace: 3,196,228 bytes, 62,014 lines, begins with Anna Pavlovna", async () => {
  const text = await loadWarAndPeace();
  assert.equal(new TextEncoder().encode(text).length, 3196228);
  // SOURCE.md calls the text ASCII, but 17 characters (as in "tête-à-tête") are UTF-8.
  assert.equal(text.length, 3196211);
  assert.equal(text.split("\n").length - 1, 62014);
  assert.ok(
    text.startsWith('"Well, Prince, so Genoa and Lucca are now just family estates of the\n'),
  );
});

Deno.test("the decompressed sha256 is checked too", async () => {
  await withCopy("tinyshakespeare", async (root) => {
    // A valid gzip of changed text, with SOURCE.md updated for the new .gz but not the content.
    const original = await loadTinyShakespeare();
    const changed = await gzip(new TextEncoder().encode(original.replace("First", "Frist")));
    const oldGz = parseSourceTable(await Deno.readTextFile(`${root}/tinyshakespeare/SOURCE.md`))[0];
    await Deno.writeFile(`${root}/tinyshakespeare/input.txt.gz`, changed);
    const source = await Deno.readTextFile(`${root}/tinyshakespeare/SOURCE.md`);
    await Deno.writeTextFile(
      `${root}/tinyshakespeare/SOURCE.md`,
      source.replace(oldGz.sha256, await sha256Hex(changed)),
    );
    await assertRejectsWith(
      () => loadTinyShakespeare({ root }),
      `${root}/tinyshakespeare/input.txt.gz decompresses to content whose sha256 is`,
      `lists ${oldGz.decompressed!.sha256}`,
      "git checkout -- data/tinyshakespeare/",
    );
  });
});

Deno.test("parseSourceTable rejects a decompressed row without its gzip file", () => {
  assertThrowsWith(
    () => parseSourceTable(`| (decompressed a.txt) | 1 | ${"0".repeat(64)} |`),
    'the row "(decompressed a.txt)" follows no row for a.txt.gz',
  );
});

// ---------------------------------------------------------------------------------------------
// bAbI

Deno.test("loadBabi: all 20 tasks have 1,000 questions per split, and SOURCE.md's story counts", async () => {
  const stories: Record<number, [number, number]> = {
    1: [200, 200],
    4: [1000, 1000],
    15: [250, 250],
    16: [1000, 1000],
    17: [125, 125],
    18: [198, 199],
    19: [1000, 1000],
    20: [94, 93],
  };
  for (let task = 1; task <= 20; task++) {
    for (const [s, split] of (["train", "test"] as const).entries()) {
      const loaded = await loadBabi(task, split);
      const questions = loaded.reduce((n, story) => n + story.questions.length, 0);
      assert.equal(questions, 1000, `task ${task} ${split}: questions`);
      assert.equal(loaded.length, stories[task]?.[s] ?? 200, `task ${task} ${split}: stories`);
    }
  }
  assert.equal(BABI_TASKS.length, 20);
});

Deno.test("loadBabi: the first story of task 1, and comma answers in task 19", async () => {
  const [first] = await loadBabi(1, "train");
  assert.deepEqual(first.sentences.slice(0, 2), [
    { id: 1, text: "Mary moved to the bathroom." },
    { id: 2, text: "John went to the hallway." },
  ]);
  assert.deepEqual(first.questions[0], {
    id: 3,
    question: "Where is Mary?",
    answer: "bathroom",
    supportingFacts: [1],
    context: first.sentences.slice(0, 2),
  });
  assert.equal(first.questions[1].context.length, 4);
  const [path] = await loadBabi(19, "train");
  assert.equal(path.questions[0].question, "How do you go from the kitchen to the garden?");
  assert.equal(path.questions[0].answer, "s,e");
  assert.deepEqual(path.questions[0].supportingFacts, [2, 4]);
  await assertRejectsWith(() => loadBabi(21), "task must be a whole number from 1 to 20");
});

Deno.test("parseBabi names the line of a malformed question", () => {
  assertThrowsWith(
    () => parseBabi("1 Mary went home.\n2 Where is Mary?\thome\n", "qa.txt"),
    "qa.txt, line 2",
    "a question needs question, answer and supporting facts",
  );
  assertThrowsWith(() => parseBabi("1 A.\n2 Where?\tx\t5\n"), "line 2", "earlier line numbers");
});

// ---------------------------------------------------------------------------------------------
// UD English-EWT

Deno.test("loadUdEnglishEwt: sentence, word and multiword-token counts of stats.xml", async () => {
  const expected = {
    train: [12544, 204577, 2614],
    dev: [2001, 25147, 359],
    test: [2077, 25094, 354],
  } as const;
  for (const [split, [sentences, words, multiword]] of Object.entries(expected)) {
    const loaded = await loadUdEnglishEwt(split as keyof typeof expected);
    assert.equal(loaded.length, sentences, `${split}: sentences`);
    assert.equal(loaded.reduce((n, s) => n + s.words.length, 0), words, `${split}: words`);
    assert.equal(
      loaded.reduce((n, s) => n + s.multiwordTokens.length, 0),
      multiword,
      `${split}: multiword tokens`,
    );
    const tags = new Set(loaded.flatMap((s) => s.words.map((w) => w.upos)));
    assert.deepEqual([...tags].sort(), [...UPOS_TAGS], `${split}: the 17 UPOS tags`);
    assert.ok(
      loaded.every((s) => s.sentId && s.text),
      `${split}: every sentence has an id and text`,
    );
  }
  const train = await loadUdEnglishEwt("train");
  assert.equal(train.reduce((n, s) => n + s.emptyNodes.length, 0), 37);
});

Deno.test("loadUdEnglishEwt: the first dev sentence", async () => {
  const [first] = await loadUdEnglishEwt("dev");
  assert.equal(first.text, "From the AP comes this story :");
  assert.equal(first.words.length, 7);
  assert.deepEqual(first.words[3], {
    id: 4,
    form: "comes",
    lemma: "come",
    upos: "VERB",
    xpos: "VBZ",
    feats: "Mood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin",
    head: 0,
    deprel: "root",
    deps: "0:root",
    misc: "_",
  });
  assert.ok(first.comments[0].startsWith("newdoc id = weblog-blogspot.com_nominations"));
});

Deno.test("parseConllu: comments, multiword tokens, empty nodes and CRLF lines", () => {
  const text = [
    "# sent_id = s1",
    "# text = I don't know.",
    "1\tI\tI\tPRON\tPRP\t_\t4\tnsubj\t4:nsubj\t_",
    "2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_",
    "2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t4:aux\t_",
    "3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t4:advmod\t_",
    "4\tknow\tknow\tVERB\tVB\t_\t0\troot\t0:root\tSpaceAfter=No",
    "4.1\tknow\tknow\tVERB\tVB\t_\t_\t_\t4:conj\tCopyOf=4",
    "5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t4:punct\t_",
    "",
    "# sent_id = s2\r",
    "1\tHi\thi\tINTJ\tUH\t_\t0\troot\t0:root\t_\r",
  ].join("\n");
  const [s1, s2] = parseConllu(text);
  assert.equal(s1.sentId, "s1");
  assert.equal(s1.text, "I don't know.");
  assert.deepEqual(s1.words.map((w) => w.form), ["I", "do", "n't", "know", "."]);
  assert.deepEqual(s1.multiwordTokens, [{ start: 2, end: 3, form: "don't", misc: "_" }]);
  assert.equal(s1.emptyNodes.length, 1);
  assert.equal(s1.emptyNodes[0].id, "4.1");
  assert.equal(s1.emptyNodes[0].after, 4);
  assert.equal(s1.words[3].misc, "SpaceAfter=No");
  assert.equal(s2.sentId, "s2");
  assert.deepEqual(s2.words.map((w) => [w.form, w.head]), [["Hi", 0]]);
});

Deno.test("parseConllu names the line of a malformed token", () => {
  assertThrowsWith(
    () => parseConllu("1\tA\ta\tX\tX\t_\t0\troot\t_\n", "x.conllu"),
    "x.conllu, line 1",
    "expected 10 TAB-separated columns, found 9",
  );
  assertThrowsWith(
    () => parseConllu("1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n3\tB\tb\tX\tX\t_\t1\tdep\t_\t_\n"),
    "line 2",
    "expected word 2",
  );
  assertThrowsWith(
    () => parseConllu("1\tA\ta\tX\tX\t_\t2\troot\t_\t_\n"),
    "word 1 has head 2",
  );
});

// ---------------------------------------------------------------------------------------------
// Sentiment

Deno.test("loadSentiment: 1,000 sentences per source, 500 of each label", async () => {
  const all = await loadSentiment();
  assert.equal(all.length, 3000);
  for (const source of ["amazon", "imdb", "yelp"] as const) {
    const mine = all.filter((e) => e.source === source);
    assert.equal(mine.length, 1000, source);
    assert.equal(mine.filter((e) => e.label === 1).length, 500, source);
  }
  const imdb = await loadSentiment({ sources: ["imdb"] });
  assert.deepEqual(imdb[0], {
    sentence:
      "A very, very, very slow-moving, aimless movie about a distressed, drifting young man.",
    label: 0,
    source: "imdb",
  });
  assert.ok(all.every((e) => e.sentence.length > 0 && !e.sentence.includes("\t")));
});
