/**
 * CIFAR-10: all 60,000 images decode, with SOURCE.md's class counts and channel statistics, bit for
 * bit as libjpeg decodes them; the decoded cache is rebuilt when stale or truncated; and the JPEG
 * decoder and tar reader underneath handle the cases the shipped files do not exercise.
 */

import assert from "node:assert/strict";
import { assertClose, assertRejectsWith, assertThrowsWith } from "../lib/mod.ts";
import { decodeJpegChw } from "../lib/data/jpeg.ts";
import { readTar } from "../lib/data/tar.ts";
import {
  channelStats,
  CIFAR10_CLASSES,
  type ImageSet,
  loadCifar10,
  sha256Hex,
} from "../lib/data/mod.ts";

/**
 * sha256 of all decoded images ([N, 3, 32, 32] bytes) as libjpeg-turbo 2.1.5 decodes the JPEGs with
 * its defaults (islow DCT, fancy upsampling), which is what PIL returns.
 */
const LIBJPEG_SHA256 = {
  train: "9115d5a7696dee93e2aabc01a3f10655df99afb5b598b44989efbc293b675186",
  test: "2fb7dfcd1893f37e705d81075b9d9d7245d714b136474baa19c48f02d7a6f670",
};

const MEANS = { train: [0.4913, 0.4821, 0.4465], test: [0.4941, 0.4851, 0.4504] };

async function timedLoad(split: "train" | "test", root?: string) {
  const start = performance.now();
  const set = await loadCifar10(split, root ? { root } : {});
  return { set, seconds: (performance.now() - start) / 1000 };
}

async function imagesSha(set: ImageSet): Promise<string> {
  return await sha256Hex(set.images.data.slice());
}

for (const [split, size] of [["train", 50000], ["test", 10000]] as const) {
  Deno.test(`loadCifar10("${split}"): ${size} images, ${size / 10} per class, SOURCE.md's means`, async () => {
    const { set, seconds } = await timedLoad(split);
    console.log(`loadCifar10("${split}") took ${seconds.toFixed(2)} s`);
    assert.deepEqual(set.images.shape, [size, 3, 32, 32]);
    assert.equal(set.labels.length, size);
    assert.deepEqual(set.classNames, CIFAR10_CLASSES);
    const counts = new Array(10).fill(0);
    for (const label of set.labels) counts[label]++;
    assert.deepEqual(counts, new Array(10).fill(size / 10));
    const stats = channelStats(set.images, { scale: 1 / 255 });
    assertClose(stats.mean, MEANS[split], { atol: 1e-4, rtol: 0 });
    if (split === "train") {
      assertClose(stats.std, [0.2452, 0.2428, 0.2606], { atol: 1e-4, rtol: 0 });
    }
    assert.equal(await imagesSha(set), LIBJPEG_SHA256[split], "bit-exact with libjpeg");
  });
}

Deno.test("loadCifar10: training images keep the official order; test images come by class", async () => {
  const train = await loadCifar10("train"), test = await loadCifar10("test");
  // The first ten labels of CIFAR-10's data_batch_1.
  assert.deepEqual(Array.from(train.labels.subarray(0, 10)), [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
  assert.ok(test.labels.subarray(0, 1000).every((l) => l === 0));
  assert.ok(test.labels.subarray(9000).every((l) => l === 9));
});

/** A temporary data root holding SOURCE.md and the test split of CIFAR-10. */
async function testSplitCopy(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "fdl-cifar-" });
  await Deno.mkdir(`${root}/cifar10`);
  for (const file of ["SOURCE.md", "cifar10_test_jpg.tar.gz", "cifar10_test_jpg_index.csv.gz"]) {
    await Deno.copyFile(
      new URL(`../data/cifar10/${file}`, import.meta.url),
      `${root}/cifar10/${file}`,
    );
  }
  return root;
}

Deno.test("loadCifar10: the decoded cache is written, read, and rebuilt when truncated or stale", async () => {
  const root = await testSplitCopy();
  const cache = `${root}/.cache/cifar10/test.bin`;
  try {
    const first = await timedLoad("test", root);
    console.log(`decoding the 10,000 test JPEGs took ${first.seconds.toFixed(2)} s`);
    const size = (await Deno.stat(cache)).size;
    assert.ok(size > 10000 * 3072, "the cache holds the decoded images");
    const cached = await timedLoad("test", root);
    assert.ok(cached.seconds < first.seconds, "reading the cache beats decoding");
    assert.equal(await imagesSha(cached.set), LIBJPEG_SHA256.test);

    await Deno.truncate(cache, size - 1000);
    const afterTruncation = await loadCifar10("test", { root });
    assert.equal(await imagesSha(afterTruncation), LIBJPEG_SHA256.test);
    assert.equal((await Deno.stat(cache)).size, size, "the truncated cache was rewritten");

    // A cache built from other sources (here: a changed format tag in its header) is stale.
    const bytes = await Deno.readFile(cache);
    const text = new TextDecoder("latin1").decode(bytes.subarray(0, 400));
    const at = text.indexOf("cifar10-uint8-chw-");
    assert.ok(at > 0);
    bytes[at] = "X".charCodeAt(0);
    await Deno.writeFile(cache, bytes);
    assert.equal(await imagesSha(await loadCifar10("test", { root })), LIBJPEG_SHA256.test);
    assert.equal(
      (await Deno.readFile(cache))[at],
      "c".charCodeAt(0),
      "the stale cache was rebuilt",
    );

    await Deno.remove(`${root}/.cache`, { recursive: true });
    await loadCifar10("test", { root, cache: false });
    await assertRejectsWith(() => Deno.stat(cache), "No such file");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadCifar10: a corrupt tarball or a missing index is reported with the fix", async () => {
  const root = await testSplitCopy();
  try {
    const tarball = `${root}/cifar10/cifar10_test_jpg.tar.gz`;
    const bytes = await Deno.readFile(tarball);
    bytes[bytes.length >> 1] ^= 1;
    await Deno.writeFile(tarball, bytes);
    await assertRejectsWith(
      () => loadCifar10("test", { root }),
      `${tarball} is corrupt: its sha256 is ${await sha256Hex(bytes)}`,
      "lists 33e6efe7655f1be7fb7373783dc369e9a809ff296896e9ff06f093b657170cc7",
      "git checkout -- data/cifar10/",
    );
    await Deno.remove(`${root}/cifar10/cifar10_test_jpg_index.csv.gz`);
    await Deno.copyFile(
      new URL("../data/cifar10/cifar10_test_jpg.tar.gz", import.meta.url),
      tarball,
    );
    await assertRejectsWith(
      () => loadCifar10("test", { root }),
      `${root}/cifar10/cifar10_test_jpg_index.csv.gz is missing`,
      "git checkout -- data/cifar10/",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------------
// The JPEG decoder on layouts the CIFAR-10 files do not use. Each JPEG was written with libjpeg
// 2.1.5 from a synthetic pattern; `sha256` is that of libjpeg's own decode, channels first.

const JPEG_CASES = [
  {
    what: "24×16, 4:4:4, a restart marker after every MCU",
    height: 16,
    width: 24,
    sha256: "5169fd56d606dab4c5f8b4c700a74b6581bd4a318580f5d2070b038ee3d4bf64",
    base64: [
      "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDg",
      "sLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU",
      "FBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAAQABgDAREAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAw",
      "QFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkK",
      "FhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmq",
      "KjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEB",
      "AQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRob",
      "HBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOE",
      "hYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+P",
      "n6/90ABAAB/9oADAMBAAIRAxEAPwDivhj4A0fw/wDCfVte12SC304W3lPLO2wJv+T5Rgl2+bIRQSSMAZPHyubZliOG",
      "c0p4XCpznJ3stPZ8uuu91K+rdlDd2t7vfLH1MsyGvQw8OarVj7KEbpOTqe67X/kjzTf92LbaSbX/0KL2WjeIPh/BBp",
      "3hTTNCt727t7a11LxVepGG481x5KlQTmMgYlPBBPoPVVTEcf45yrYiVB4KMm40oury+091e8+XR8t9YaXtpy3WWaU8",
      "XkWQUsDUxXtaleaU6dKLcuSF5c0Jauykqak3TaXNy7yjI//Rd4w0Gwu9M8L6daW+nWVnKrXX2q10lLS2uZyrLDC8t+",
      "zEA7ZT+7Q5HPzAYr7DA4irgamIrTcqmEelnNuUoqzlJKknz0Jcy+KS9q1b3aGtXmzTE1KSweRtudS/tZxlOc6kIL3I",
      "ziqCUXfmmmpSupRj8F7y/9KvrWl2/i7w18NvDbSyi00m0uvFWraXDaiSQoqeXbSK7BQSQl8oQOOuWA+Qj0aFWfHeIx",
      "2MSWElQlGjCTftFF1XeaaTjp7tN3cXa/u25ZJbZ855di6OApSXNVkoq+iu2opt2emutvuZ/9Ot4w1u9Tx/o0V1YQRf",
      "2XZIsNo0aTppjXClkht4wQZbqRRFIzSgKAikr5f+r/PcDh6XCOBqyhNz9tJ3d3Br2bs5TdpXptylFKOsXdJqaO+rg4",
      "ZpnMMpoTk6dBJSbXL7Sb5ZTqSnZtUVFwgknfmUlH37up//1NDT7Jv+Fl6xBaW95NdWrCxgaSQf2hK0AVNjTB2lmlWU",
      "JmOIoqJMUklGw7fLq1Fwhl1KVSSaqe89LQpXu7qNnHlqRk7Smm+aHNGGq5ezDTlxFxFKrVaVKi1TScUoRUXLnaikox",
      "hKTqyhOrzzk0pRpq6if//Z",
    ].join(""),
  },
  {
    what: "40×24, 4:2:0 in three single-component scans, restarts every 3 blocks",
    height: 24,
    width: 40,
    sha256: "ec4b732c484b7c1f83f10b15c762812b3b0bf9e980aef50ba0e3660f598bf2f0",
    base64: [
      "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDg",
      "sLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU",
      "FBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAAYACgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAw",
      "QFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkK",
      "FhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmq",
      "KjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/90ABAAD/9oACAEB",
      "AAA/AOK+GPgDR/D/AMJ9W17XZILfThbeU8s7bAm/5PlGCXb5shFBJIwBk8dO9lo3iD4fwQad4U0zQre9u7e2tdS8VX",
      "qRhuPNceSpUE5jIGJTwQT6DQ8YaDYXemeF9OtLfTrKzlVrr7Va6SlpbXM5VlhheW/ZiAdsp/docjn5gMV//9Blzb6f",
      "Z3mh2L6dZvemFlt0ntLaBo5nUMXIubSBZUUeSSqOG/eAZHVbtvML/wCJM1hHaeFdT16zjaH7DqmgQ6e84j+XbA2Hjk",
      "BkWYCQsqHAwxHK5utaXb+LvDXw28NtLKLTSbS68VatpcNqJJCip5dtIrsFBJCXyhA465YD5CP/0a3jDW71PH+jRXVh",
      "BF/Zdkiw2jRpOmmNcKWSG3jBBlupFEUjNKAoCKSvl/6vZ0+yb/hZesQWlveTXVqwsYGkkH9oStAFTY0wdpZpVlCZji",
      "KKiTFJJRsO2Dw/robUvEPiK53v4fuZrm8l3OkNxPBJNN8pdtySpIsaQr5wliO8gXJ3ZP8A/9Junad9i8KarHLH9smk",
      "wqQXMmy2lu5gwk2ksxtLoCYvFJHJ5ZQKUKqzMl7wpqNvrniC8bULOJNJ0qC0sLiKScSTTWdpE99LNCrFQq7ygIOV+f",
      "kjeDUPg++vND+3aw15m/luJ7k2zTiF5707y6oQgaOWSVvs0biN1RYp3TZ1H//TybSWPwT4FkuJ7KzezuLJYlW4AjMr",
      "PlIYoYPmZVQyLMsbqeCjukssyKmpbxOnw10eKe8/suLU5Fm8+1uFlELNI88d1lASSoTa0gMjKHk3tcKkix6OtWzafH",
      "4e8OnS4NVeaZ/N8txHaRmOURiESKxCq7PNtTOIJ0jKypHKm7//xAAfAQADAQEBAQEBAQEBAAAAAAAAAQIDBAUGBwgJ",
      "Cgv/xAC1EQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFx",
      "gZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Sl",
      "pqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAIAQIRAD8A86dergKzqS",
      "k6mWVXKVruGlN2jorVb+2V9bLltpayh9ApyxkEvgrUVdfadN1b2T25oP58i29/SPjy4fWaS9tSnzQVoqftIUfaW3m4",
      "y1k23Z1NOe12ubmlL//Q9DiGMcLh54ikrShGk49eX2kW5JX6e7ZJ3te696zXy+Rv22c/2BPXC1KkuaPf2dOpUj73xK",
      "04qWjXRfDGKj18ScU5jwxiY4HLZctPV2vNa8z/AJZL8fRWVkf/2gAIAQMRAD8A6MRGpUdTDRb9pGMaMVeyTm25aJrm",
      "bhdO94pJLlcn72UU8TUVFPmp1aiSb0vToryet58sr9VeyV7KaXE+WZHSjUzDDe0qYi9XorRlJ2SvVpKytZJc3KlZvo",
      "f/0IlUlRrxlHW/t6ruk06kVpL5a6Kys7WslaatKEcvUYq1qMY/+BzcZP1albtotN7/ADeLxCniaspQ2ly6SmtIqKWk",
      "ZJeb8231P//Z",
    ].join(""),
  },
  {
    what: "4×4, 4:2:0 with chroma two samples wide (plain upsampling)",
    height: 4,
    width: 4,
    sha256: "53126f88d7db7601349739dbde80f27c283d08860060359ef5bfc4b4c6aa0e40",
    base64: [
      "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDg",
      "sLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU",
      "FBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAAEAAQDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAw",
      "QFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkK",
      "FhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmq",
      "KjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEB",
      "AQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRob",
      "HBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOE",
      "hYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+P",
      "n6/9oADAMBAAIRAxEAPwDw3wH4fspPDVszRc//AFhRRRX4tmGKxEMZVhCpJJSdld9z7rAJfVaXovyP/9k=",
    ].join(""),
  },
  {
    what: "16×16, 16-bit quantization tables (an extended sequential frame)",
    height: 16,
    width: 16,
    sha256: "ceb978c3fce01de16fca1b4783646489436fc0f7143bc83db69c8ed98f8d8ac7",
    base64: [
      "/9j/4AAQSkZJRgABAQAAAQABAAD/2wCDEACgAG4AeACMAHgAZACgAIwAggCMALQAqgCgAL4A8AGQAQQA8ADcANwA8A",
      "HqAV4BcgEiAZACRAH+AmICWAI6Af4CMAImAoAC0AOYAwwCgAKoA2YCsgImAjADIARCAyoDZgO2A9QEBgQQBAYCbAMC",
      "BGoEugRgA+gEsAOYA/IEBgPe/9sAgxEAqgC0ALQA8ADSAPAB1gEEAQQB1gPeApQCMAKUA94D3gPeA94D3gPeA94D3g",
      "PeA94D3gPeA94D3gPeA94D3gPeA94D3gPeA94D3gPeA94D3gPeA94D3gPeA94D3gPeA94D3gPeA94D3gPeA94D3gPe",
      "A94D3gPeA94D3gPeA94D3v/BABEIABAAEAMBIgACEQEDEQH/xAAfAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCg",
      "v/xAC1EAACAQMDAgQDBQUEBAAAAX0BAgMABBEFEiExQQYTUWEHInEUMoGRoQgjQrHBFVLR8CQzYnKCCQoWFxgZGiUm",
      "JygpKjQ1Njc4OTpDREVGR0hJSlNUVVZXWFlaY2RlZmdoaWpzdHV2d3h5eoOEhYaHiImKkpOUlZaXmJmaoqOkpaanqK",
      "mqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4eLj5OXm5+jp6vHy8/T19vf4+fr/xAAfAQADAQEBAQEBAQEBAAAA",
      "AAAAAQIDBAUGBwgJCgv/xAC1EQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8B",
      "VictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqS",
      "k5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAw",
      "EAAhEDEQA/AEAAXJpeCOmPrR1AH40HrQB//9k=",
    ].join(""),
  },
];

const PROGRESSIVE_JPEG = [
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDg",
  "sLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU",
  "FBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wgARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABQEC/8",
  "QAFQEBAQAAAAAAAAAAAAAAAAAAAwT/2gAMAwEAAhADEAAAARFNyZP/xAAZEAADAQEBAAAAAAAAAAAAAAADBAUCEhT/",
  "2gAIAQEAAQUCmIBXk8BYnmFltZw2/f8A/8QAHhEAAQMEAwAAAAAAAAAAAAAAAQIDMRESIYEyYXH/2gAIAQMBAT8BcC",
  "lXNjkAEDc+411Wf//EAB4RAAIABgMAAAAAAAAAAAAAAAECAwQREjKhMVFi/9oACAECAQE/AS7QHuJulmqesePWetf/",
  "xAAkEAACAQIGAQUAAAAAAAAAAAABAgMEEQASEyExQVEFYYGxsv/aAAgBAQAGPwKWechY8trnAEdLHArsqrJVPb34+P",
  "OPTaa5yxK1VLEFufCn94hDIBpJstr6ebpR2x2O/wBcf//EABsQAQACAwEBAAAAAAAAAAAAAAERIQAxQVFx/9oACAEB",
  "AAE/IbxkFiJqvW9GIGxOl1WMGRo/YEBY8MT95gonA4LEnIpGlFYf/9oADAMBAAIAAwAAABCb/8QAFxEBAQEBAAAAAA",
  "AAAAAAAAAAAREAIf/aAAgBAwEBPxBBTALAWvAlNjaACln/xAAXEQEBAQEAAAAAAAAAAAAAAAARASEA/9oACAECAQE/",
  "EL6isG5oxBh0mMCd/8QAGRABAQEBAQEAAAAAAAAAAAAAAREhMVEA/9oACAEBAAE/EBBXPvnRewJVIFcOftGxOgWoI8",
  "RfADMoCSpBUIT2g2V+7J4EIkEQDPw//9k=",
].join("");

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

Deno.test("decodeJpegChw matches libjpeg on restarts, separate scans, tiny chroma, 16-bit tables", async () => {
  for (const { what, height, width, sha256, base64 } of JPEG_CASES) {
    const out = new Uint8Array(3 * height * width + 5);
    decodeJpegChw(fromBase64(base64), out, 5, height, width, what);
    assert.equal(await sha256Hex(out.slice(5)), sha256, what);
  }
});

Deno.test("decodeJpegChw names the image and the problem", () => {
  const out = new Uint8Array(3 * 16 * 16);
  assertThrowsWith(
    () => decodeJpegChw(fromBase64(PROGRESSIVE_JPEG), out, 0, 16, 16, "p.jpg"),
    "p.jpg cannot be decoded",
    "frame type 0xc2 (progressive, lossless or arithmetic) is unsupported",
  );
  const [first] = JPEG_CASES;
  assertThrowsWith(
    () => decodeJpegChw(fromBase64(first.base64), out, 0, 32, 32, "a.jpg"),
    "a.jpg cannot be decoded: it is 24×16, expected 32×32",
  );
  assertThrowsWith(
    () => decodeJpegChw(Uint8Array.of(1, 2, 3), out, 0, 1, 1, "x.jpg"),
    "x.jpg cannot be decoded: it does not start like a JPEG",
  );
});

// ---------------------------------------------------------------------------------------------
// The ustar reader

/** A ustar header block for a member, with a valid checksum. */
function tarHeader(name: string, size: number, flag = "0", prefix = ""): Uint8Array {
  const header = new Uint8Array(512);
  const put = (text: string, at: number) => header.set(new TextEncoder().encode(text), at);
  put(name, 0);
  put(size.toString(8).padStart(11, "0"), 124);
  put(flag, 156);
  put("ustar\u000000", 257);
  put(prefix, 345);
  put("        ", 148);
  put(header.reduce((a, b) => a + b, 0).toString(8).padStart(6, "0") + "\u0000 ", 148);
  return header;
}

function archive(...blocks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0) + 1024);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

Deno.test("readTar: names with prefixes, padded bodies, directories, the end marker", () => {
  const body = new Uint8Array(512).fill(7);
  const tar = archive(
    tarHeader("train/", 0, "5"),
    tarHeader("a.jpg", 3, "0", "train/cat"),
    body,
    tarHeader("b.txt", 0),
  );
  const entries = [...readTar(tar)];
  assert.deepEqual(entries.map((e) => [e.name, e.type, e.data.length]), [
    ["train/", "directory", 0],
    ["train/cat/a.jpg", "file", 3],
    ["b.txt", "file", 0],
  ]);
  assert.deepEqual(Array.from(entries[1].data), [7, 7, 7]);
});

Deno.test("readTar: a bad checksum, a truncated member or a pax header fails loudly", () => {
  const damaged = archive(tarHeader("a", 1), new Uint8Array(512));
  damaged[0] = "b".charCodeAt(0);
  assertThrowsWith(
    () => [...readTar(damaged, "x.tar")],
    "x.tar: the tar header at byte 0",
    "checksum",
  );
  const short = tarHeader("a", 5000);
  assertThrowsWith(() => [...readTar(short, "x.tar")], "the member a is truncated");
  assertThrowsWith(
    () => [...readTar(archive(tarHeader("PaxHeader", 0, "x")))],
    "pax or GNU extension header ('x')",
  );
});
