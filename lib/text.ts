/**
 * A name safe to store: NUL and unpaired surrogates removed (neither survives
 * PostgreSQL text or Prisma), cut to `max` code points so that no emoji is
 * split in half, and trimmed.
 */
export function storableName(text: string, max = 120): string {
  return Array.from(text)
    .filter((c) => c !== "\u0000" && !/^[\ud800-\udfff]$/.test(c))
    .slice(0, max)
    .join("")
    .trim();
}
