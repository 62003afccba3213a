/** Downloads of the whole sweep: one CSV row per trial, or everything as JSON. */
export function ExportLinks({ base }: { base: string }) {
  return (
    <div className="row small" aria-label="Export">
      <strong>Export</strong>
      <a className="button small" href={`${base}?format=csv`} download data-testid="export-csv">
        CSV (one row per trial)
      </a>
      <a className="button small" href={`${base}?format=json`} download data-testid="export-json">
        JSON (config, trials, attempts)
      </a>
    </div>
  );
}
