/**
 * The error the site builder throws for problems a user can fix (a missing build, a corrupt
 * notebook), so the command line can print its message alone, without a stack trace.
 *
 * @module
 */

/** A problem with the site's inputs, with a message that names the file and the fix. */
export class SiteError extends Error {
  /** Creates the error; `message` should say what is wrong, where, and what to do. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SiteError";
  }
}
