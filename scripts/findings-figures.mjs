// The figures of docs/findings.md, rendered from the app itself: one PNG per
// part of a sweep's results page (heatmap, accuracy vs strength, optimum shift,
// AdaInf comparison with the checks, and on a sweep with a degradation axis the
// best mix ratio against FID), in headless Debian Chromium.
//   node scripts/findings-figures.mjs <share or sweep URL> <out prefix, e.g. docs/findings/main>
import { chromium } from "@playwright/test";

const [url, prefix] = process.argv.slice(2);
if (!url || !prefix) {
  console.error("usage: node scripts/findings-figures.mjs <share or sweep URL> <out prefix>");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.locator('[data-testid="chart-vs-aug"] svg').first().waitFor({ timeout: 30_000 });
  const parts = {
    heatmap: page.locator("figure.heatmap").first().locator(".."),
    "vs-aug": page.locator('[data-testid="chart-vs-aug"]').locator(".."),
    shift: page.locator('[data-testid="chart-shift"]').locator(".."),
    comparison: page.locator('[data-testid="findings"]').locator(".."),
  };
  if ((await page.locator('[data-testid="chart-quality"]').count()) > 0) {
    await page.locator('[data-testid="chart-quality"] svg').first().waitFor({ timeout: 30_000 });
    parts.quality = page.locator('section[aria-labelledby="quality-heading"]');
  }
  for (const [name, locator] of Object.entries(parts)) {
    const path = `${prefix}-${name}.png`;
    await locator.screenshot({ path });
    console.log(`${name} -> ${path}`);
  }
} finally {
  await browser.close();
}
