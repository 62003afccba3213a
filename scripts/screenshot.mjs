// Takes full-page screenshots of app pages in headless Debian Chromium, to
// look at what we build. Usage: node scripts/screenshot.mjs URL OUT.png [URL OUT.png ...]
import { chromium } from "@playwright/test";

const args = process.argv.slice(2);
if (args.length === 0 || args.length % 2 !== 0) {
  console.error("usage: node scripts/screenshot.mjs URL OUT.png [URL OUT.png ...]");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
for (let i = 0; i < args.length; i += 2) {
  await page.goto(args[i], { waitUntil: "networkidle" });
  await page.screenshot({ path: args[i + 1], fullPage: true });
  console.log(`${args[i]} -> ${args[i + 1]}`);
}
await browser.close();
