/**
 * Placeholder for a task whose issue has not landed yet: says so and exits non-zero, so nobody
 * mistakes it for a working command.
 *
 * Usage: `deno run scripts/not_yet.ts <task> <what will provide it>`
 *
 * @module
 */

const [task = "this task", provider = "a later issue"] = Deno.args;
console.error(`deno task ${task}: not yet. It arrives with ${provider}.`);
Deno.exit(2);
