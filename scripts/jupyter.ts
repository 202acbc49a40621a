/**
 * `deno task jupyter`: registers the Deno kernel with Jupyter (`deno jupyter --install`), then opens
 * JupyterLab (or the classic Notebook) in `notebooks/` when Jupyter is installed, or says how to get
 * it.
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

// Registering needs no Python: Deno writes the kernelspec itself, so a learner who installs
// Jupyter later finds the kernel already there.
if (!(await run(Deno.execPath(), ["jupyter", "--install"]))) {
  console.error("`deno jupyter --install` failed; see the message above.");
  Deno.exit(1);
}
if (!(await has("jupyter", ["--version"]))) {
  console.error(
    "The Deno kernel is registered, but Jupyter is not installed. Install it with " +
      "`pip install jupyterlab` (or open notebooks/ in VS Code with its Jupyter extension and pick " +
      "the Deno kernel), then run `deno task jupyter` again.",
  );
  Deno.exit(1);
}
const notebooks = new URL("../notebooks/", import.meta.url).pathname;
const opened = (await has("jupyter-lab", ["--version"]))
  ? await run("jupyter", ["lab"], notebooks)
  : await run("jupyter", ["notebook"], notebooks);
Deno.exit(opened ? 0 : 1);
