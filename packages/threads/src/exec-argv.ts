/**
 * This process's Node flags that a worker accepts. Flags only valid for the main
 * script (--input-type, --eval) make a worker die before it can report anything, and
 * V8 flags are refused in execArgv (they are process-wide: workers share them anyway).
 */
export function workerExecArgv(): string[] {
  const allowed = process.allowedNodeEnvironmentFlags;
  const out: string[] = [];
  let keepValue = false;
  for (const arg of process.execArgv) {
    if (!arg.startsWith('-')) {
      if (keepValue) out.push(arg);
      keepValue = false;
      continue;
    }
    const name = arg.split('=')[0]!;
    keepValue = allowed.has(name) && !/^--(input-type|eval|print|test|watch)/.test(name);
    if (keepValue) out.push(arg);
    if (arg.includes('=')) keepValue = false;
  }
  return out;
}
