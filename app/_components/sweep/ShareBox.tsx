"use client";
import { useState } from "react";

/** A read-only link with a copy button; falls back to selecting the text. */
export function ShareBox({ url, label }: { url: string; label: string }) {
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
            await navigator.clipboard.writeText(url);
            setCopied(true);
            window.setTimeout(() => setCopied(false), 2000);
          } catch {
            (document.getElementById(id) as HTMLInputElement | null)?.select();
          }
        }}
      >
        {copied ? "Copied" : "Copy link"}
      </button>
    </div>
  );
}
