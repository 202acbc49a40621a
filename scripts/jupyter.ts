/**
 * `deno task jupyter`: registers the Deno kernel with Jupyter, then opens JupyterLab (or the classic
 * Notebook) in `notebooks/` when Jupyter is installed, or says how to get it.
 *
 * @module
 */

async function run(cmd: string, args: string[], cwd?: string): Promise<boolean> {
  try {
    const status = await new Deno.Command(cmd, {
      args,
      cwd,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    })
      .spawn().status;
    return status.success;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

async function has(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()).success;
  } catch {
    return false;
  }
}

if (!(await has("jupyter", ["--version"]))) {
  console.error(
    "Jupyter is not installed. Install it with `pip install jupyterlab` (or use VS Code's Jupyter " +
      "extension), then run `deno task jupyter` again. The Deno kernel is registered by this task.",
  );
  Deno.exit(1);
}
if (!(await run(Deno.execPath(), ["jupyter", "--install"]))) {
  console.error("`deno jupyter --install` failed; see the message above.");
  Deno.exit(1);
}
const notebooks = new URL("../notebooks/", import.meta.url).pathname;
await Deno.mkdir(notebooks, { recursive: true });
const opened = (await has("jupyter-lab", ["--version"]))
  ? await run("jupyter", ["lab"], notebooks)
  : await run("jupyter", ["notebook"], notebooks);
Deno.exit(opened ? 0 : 1);
