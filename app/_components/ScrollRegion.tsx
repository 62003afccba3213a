import type { CSSProperties, ReactNode } from "react";

/**
 * A box that scrolls when a table outgrows it. It is focusable and named,
 * so keyboard users can scroll it too (WCAG: scrollable regions must be
 * reachable without a mouse), even when nothing inside it is focusable.
 */
export function ScrollRegion({ label, style, children }: { label: string; style?: CSSProperties; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0} style={style}>
      {children}
    </div>
  );
}
