/** Time of the last production build (ms since the epoch), or 0 when there is none. */
export function builtAt(root: string): number;
/** Whether the build in .next is missing or older than any source it is built from. */
export function buildIsStale(root: string): boolean;
