"use client";
import { useState } from "react";

/**
 * A read-only link with a copy button. The copied link carries the current
 * view (metric, scale, selected cell...) from this page's query string, so
 * the receiver sees what the sender sees.
 */
export function ShareBox({ url, label, withView = true, note }: { url: string; label: string; withView?: boolean; note?: string }) {
  const [copied, setCopied] = useState(false);
  const id = `share-${label.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <div className="share-box">
      <label htmlFor={id} className="small muted">
        {label}
      </label>
      <input id={id} type="text" readOnly value={url} onFocus={(event) => event.currentTarget.select()} />
      <button
        type="button"
        className="button"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(withView ? `${url}${window.location.search}` : url);
            setCopied(true);
            window.setTimeout(() => setCopied(false), 2000);
          } catch {
            (document.getElementById(id) as HTMLInputElement | null)?.select();
          }
        }}
      >
        {copied ? "Copied" : "Copy link"}
      </button>
      <span className="small muted">{note ?? (withView ? "The copied link keeps the current view." : "")}</span>
    </div>
  );
}
