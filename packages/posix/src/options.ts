/** One allow-list entry: a host name or address and a port or inclusive port range. */
export interface NetworkAllow {
  host: string;
  port: number | [number, number];
}

/** Options of @faasm/posix (structured-cloneable: the runtime passes them into workers). */
export interface PosixOptions {
  /**
   * Sockets are denied (EACCES, logged) unless the destination matches this allow-list;
   * allowed sockets need the runtime's bridge (service `net`).
   */
  network?: { allow: NetworkAllow[] };
  /** etc/passwd content; default: the guest's /etc/passwd (the runtime root's), else Faasm's root and faasm users. */
  passwd?: string;
  /** etc/group content; default: the guest's /etc/group, else root and faasm groups. */
  group?: string;
  /** Terminal size reported by TIOCGWINSZ on a tty fd (default 24 x 80). */
  winsize?: { rows: number; cols: number };
}

/** Faasm's runtime root's etc/passwd (faasm-abi.md, Runtime root). */
export const DEFAULT_PASSWD = 'root:x:0:0:root:/root:/bin/bash\nfaasm:x:1000:1000:Faasm User:/home/faasm:/bin/bash\n';
export const DEFAULT_GROUP = 'root:x:0:\nfaasm:x:1000:faasm\n';
