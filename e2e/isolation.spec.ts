import { expect, test } from "@playwright/test";
import { seedSweep } from "./support/seed";

/**
 * Every page is cross-origin isolated (the wasm backend's threads need
 * SharedArrayBuffer), and nothing the pages load breaks under COEP
 * require-corp: charts, workers, the wasm binaries and the OG picture.
 */
test("pages are cross-origin isolated and still load their charts, workers, wasm binaries and OG image", async ({ page, request }) => {
  const seeded = await seedSweep(request, "Isolation e2e");
  const api = await request.get("/api/sweeps");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  const failures: string[] = [];
  // Anything the Content-Security-Policy blocks is a failure too.
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) failures.push(`CSP: ${message.text()}`);
  });
  await page.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (event) =>
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`),
    ),
  );
  // What COEP breaks fails as net::ERR_BLOCKED_BY_RESPONSE; requests a navigation cuts short (link prefetches,
  // a page's own fetches) fail as net::ERR_ABORTED, which says nothing about isolation.
  page.on("requestfailed", (r) => {
    const reason = r.failure()?.errorText ?? "";
    if (reason !== "net::ERR_ABORTED") failures.push(`${r.url()} ${reason}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().includes("_rsc=")) failures.push(`${r.url()} HTTP ${r.status()}`);
  });

  for (const path of ["/", "/sweeps/new", `/s/${seeded.shareId}`]) {
    const response = await page.goto(path);
    expect(response?.headers()["cross-origin-opener-policy"], path).toBe("same-origin");
    expect(response?.headers()["cross-origin-embedder-policy"], path).toBe("require-corp");
    expect(await page.evaluate(() => crossOriginIsolated), path).toBe(true);
    const headers = response!.headers();
    expect(headers["content-security-policy"], path).toMatch(/frame-ancestors 'none'/);
    expect(headers["content-security-policy"], path).not.toMatch(/'unsafe-eval'/);
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("same-origin");
  }
  // The share page's Recharts charts rendered (SVG paths inside their containers).
  await expect(page.locator(".recharts-wrapper svg path").first()).toBeAttached();

  const wasm = await request.get("/tfjs-wasm/tfjs-backend-wasm-threaded-simd.wasm");
  expect(wasm.status()).toBe(200);
  expect(wasm.headers()["content-type"]).toBe("application/wasm");
  const bytes = await wasm.body();
  expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]); // "\0asm", not an HTML 404 page
  const factory = await request.get("/tfjs-wasm/tfjs-backend-wasm-threaded-simd.js");
  expect(await factory.text()).toContain("var WasmBackendModuleThreadedSimd =");

  // The favicon browsers ask for on every page (public/favicon.ico), not a 404.
  const icon = await request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect([...(await icon.body()).subarray(0, 4)]).toEqual([0x00, 0x00, 0x01, 0x00]); // an ICO header

  const og = await request.get(`/s/${seeded.shareId}/opengraph-image`);
  expect(og.status()).toBe(200);
  expect(og.headers()["content-type"]).toContain("image/png");

  // A Web Worker started by the page is isolated too and can share memory.
  await page.goto(`/bench?backend=wasm&steps=1`);
  await page.waitForFunction(() => (window as unknown as { __benchResult?: unknown }).__benchResult, null, { timeout: 50_000 });
  const result = await page.evaluate(
    () => (window as unknown as { __benchResult: { ok: boolean; environment?: { runtime?: string } } }).__benchResult,
  );
  expect(result.ok, JSON.stringify(result)).toBe(true);
  expect(result.environment?.runtime).toMatch(/^browser wasm \(simd, \d+ threads?\)$/);
  expect(failures).toEqual([]);
});
