import type { FdTableHandle } from './fdtable.js';

/**
 * Options of `link` (structured-cloneable: the runtime passes them into worker threads).
 */
export interface WasiOptions {
  /** stdout/stderr: written synchronously to the real fds (default) or captured per call. */
  stdout?: 'passthrough' | 'capture';
  /** stdin: the process's fd 0, or empty (EOF at once; the default). */
  stdin?: 'inherit' | 'empty';
  /** Extra preopened directories (after fd 3 `/` and fd 4 `.`), host path → guest name. */
  preopens?: Array<{ host: string; guest: string }>;
  /** Filesystem backend: the Node filesystem (default) or an in-memory one. */
  fs?: 'node' | 'memory';
  /**
   * Backend directory of Faasm's runtime root (guest `/` and `.`). Default: for `node`,
   * `<tmpdir>/faasm-root-<pid>`, created once per process with etc/ (hosts, passwd,
   * resolv.conf), tmp/ and share/; for `memory`, `/` of a fresh in-memory tree.
   */
  root?: string;
  /**
   * Attach to an existing fd table (another thread of the same Faaslet): the handle from
   * `host.services.require(FD_TABLE).handle`. Preopens and backend then come from it.
   */
  table?: FdTableHandle;
}
