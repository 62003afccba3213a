/**
 * The production server's lease fast path (fast-path.ts) against a real
 * database, over real HTTP: it must answer exactly as the Next.js routes
 * do (same statuses, same bodies), leave every other request to Next, and
 * refuse a flood of malformed calls with 4xx while honest workers finish.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaseOperations, nextRoute } from "@/lib/api/lease-handlers";
import { getDb } from "@/lib/db/client";
import { createSweep } from "@/lib/repo/sweeps";
import { sweepConfigSchema } from "@/lib/sweep/schema";
import { testDatabaseKinds } from "@/lib/testing/databases";
import { useRouteDatabase } from "@/lib/testing/route-database";
import { fastRouteFor, serveFastPath } from "./fast-path";
import { addressGroup, clientAddress, forgetAddressStrikes, type MalformedSlowdown, malformedDelayMs, malformedSlowdownFromEnv } from "./slowdown";

// Bodies are compared field by field; `any` keeps that readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
interface Reply {
  status: number;
  body: Json;
  headers: http.IncomingHttpHeaders;
}

const NOT_FAST = 599;

const config = (name: string, seeds: number) =>
  sweepConfigSchema.parse({
    name,
    axes: { augmentation: { values: [0, 1] }, mixRatio: { values: ["none"] }, seeds: { values: Array.from({ length: seeds }, (_, i) => i) } },
    execution: { leaseSeconds: 30, maxAttempts: 3 },
  });

const result = (accuracy: number) => ({
  linearProbeAccuracy: accuracy,
  knnAccuracy: accuracy,
  finalLoss: 1,
  lossCurve: [
    [0, 2],
    [1, 1],
  ],
  durationMs: 10,
  imagesPerSecond: 100,
  environment: { backend: "cpu" },
});

describe.each(testDatabaseKinds())("lease fast path on %s", (kind) => {
  useRouteDatabase(kind);
  let server: http.Server;
  let port = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  // Off unless a test turns it on: the parity tests send many malformed calls back to back on shared sockets.
  let slowdown: MalformedSlowdown | null = null;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      void serveFastPath(request, response, [["x-app-header", "on every response"]], slowdown).then((answered) => {
        if (answered) return;
        response.writeHead(NOT_FAST);
        response.end("for Next");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  function call(
    path: string,
    body: string | Buffer,
    headers: Record<string, string> = { "content-type": "application/json" },
    method = "POST",
    via = agent,
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        { agent: via, host: "127.0.0.1", port, path, method, headers: { ...headers, "content-length": Buffer.byteLength(body) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: Json = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: kept as text
            }
            resolve({ status: response.statusCode!, body: parsed, headers: response.headers });
          });
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  }

  /** The same call through the operation's Next.js route handler. */
  async function viaNext(op: keyof typeof leaseOperations, id: string, body: string, contentType = "application/json") {
    const handler = nextRoute(leaseOperations[op]);
    const response = await handler(new Request(`http://localhost/x`, { method: "POST", headers: { "content-type": contentType }, body }), {
      params: Promise.resolve({ [leaseOperations[op].param]: id }),
    });
    return { status: response.status, body: await response.json() };
  }

  it("answers a whole lease over HTTP as the protocol says, with the app's headers", async () => {
    const db = await getDb();
    const { sweep } = await createSweep(db, config("fast flow", 1));
    const claim = await call(`/api/sweeps/${sweep.id}/claim`, JSON.stringify({ workerId: "fast-1", workerLabel: "laptop" }));
    expect(claim.status).toBe(200);
    expect(claim.headers["x-app-header"]).toBe("on every response");
    expect(claim.headers["cache-control"]).toBe("no-store");
    expect(claim.headers["content-type"]).toBe("application/json");
    expect(claim.body.trial).toMatchObject({ orderIndex: 0, status: "running", attempts: 1 });
    expect(claim.body.lease).toMatchObject({ attemptNumber: 1, leaseSeconds: 30 });
    expect(claim.body.config.name).toBe("fast flow");
    expect(claim.body.counts.total).toBe(2);
    const worker = await db.worker.findUnique({ where: { sweepId_id: { sweepId: sweep.id, id: "fast-1" } } });
    expect(worker?.label).toBe("laptop");

    const { id } = claim.body.trial;
    const { token } = claim.body.lease;
    const beat = await call(`/api/trials/${id}/heartbeat`, JSON.stringify({ token, progress: { phase: "train", step: 3, totalSteps: 10 } }));
    expect(beat.status).toBe(200);
    expect(Date.parse(beat.body.leaseExpiresAt)).toBeGreaterThan(Date.now() + 20_000);
    expect((await db.attempt.findUniqueOrThrow({ where: { token } })).heartbeatCount).toBe(1);

    const done = await call(`/api/trials/${id}/complete`, JSON.stringify({ token, result: result(0.8) }));
    expect(done).toMatchObject({ status: 201, body: { outcome: "accepted" } });
    expect(await call(`/api/trials/${id}/complete`, JSON.stringify({ token, result: result(0.8) }))).toMatchObject({
      status: 200,
      body: { outcome: "duplicate" },
    });
    const other = await call(`/api/trials/${id}/complete`, JSON.stringify({ token, result: result(0.1) }));
    expect(other.status).toBe(409);
    expect((await db.trial.findUniqueOrThrow({ where: { id } })).linearAcc).toBe(0.8);

    // A later claim without a label (or with an empty one) keeps the worker's label.
    const second = await call(`/api/sweeps/${sweep.id}/claim`, JSON.stringify({ workerId: "fast-1", workerLabel: "" }));
    expect((await db.worker.findUniqueOrThrow({ where: { sweepId_id: { sweepId: sweep.id, id: "fast-1" } } })).label).toBe("laptop");
    const failed = await call(
      `/api/trials/${second.body.trial.id}/fail`,
      JSON.stringify({ token: second.body.lease.token, message: "out of memory" }),
    );
    expect(failed).toMatchObject({ status: 200, body: { trialStatus: "queued", duplicate: false } });
    const third = await call(`/api/sweeps/${sweep.id}/claim`, "{}");
    expect(third.body.trial.id).toBe(second.body.trial.id);
    const released = await call(`/api/trials/${third.body.trial.id}/release`, JSON.stringify({ token: third.body.lease.token }));
    expect(released).toMatchObject({ status: 200, body: { released: true } });
    expect(await call(`/api/trials/${third.body.trial.id}/heartbeat`, JSON.stringify({ token: third.body.lease.token }))).toMatchObject({
      status: 409,
    });
  });

  it("refuses every malformed call exactly as the Next.js route does", async () => {
    const db = await getDb();
    const { sweep } = await createSweep(db, config("fast parity", 1));
    const token = "t".repeat(32);
    const cases: { op: keyof typeof leaseOperations; id: string; body: string; type?: string; path?: string }[] = [
      { op: "claim", id: sweep.id, body: "{not json" },
      { op: "claim", id: sweep.id, body: "" },
      { op: "claim", id: sweep.id, body: "[]" },
      { op: "claim", id: sweep.id, body: JSON.stringify({ workerId: "!!" }) },
      { op: "claim", id: sweep.id, body: JSON.stringify({ workerId: "abc-123", extra: 1 }) },
      { op: "claim", id: sweep.id, body: JSON.stringify({ workerLabel: "nul \u0000 inside" }) },
      { op: "claim", id: sweep.id, body: "{}", type: "application/x-www-form-urlencoded" },
      { op: "claim", id: "no-such-sweep", body: "{}" },
      { op: "claim", id: "bad id with spaces", body: "{}", path: `/api/sweeps/bad%20id%20with%20spaces/claim` },
      { op: "heartbeat", id: "no-such-trial", body: JSON.stringify({ token }) },
      { op: "heartbeat", id: "no-such-trial", body: JSON.stringify({ token: "short" }) },
      { op: "heartbeat", id: "no-such-trial", body: JSON.stringify({ token, progress: { step: -1 } }) },
      { op: "complete", id: "no-such-trial", body: JSON.stringify({ token, result: { linearProbeAccuracy: "high" } }) },
      { op: "complete", id: "no-such-trial", body: JSON.stringify({ token, result: result(0.5) }) },
      { op: "fail", id: "no-such-trial", body: JSON.stringify({ token, message: "" }) },
      { op: "release", id: "no-such-trial", body: JSON.stringify({}) },
    ];
    const paths = {
      claim: (id: string) => `/api/sweeps/${encodeURIComponent(id)}/claim`,
      heartbeat: (id: string) => `/api/trials/${id}/heartbeat`,
      complete: (id: string) => `/api/trials/${id}/complete`,
      fail: (id: string) => `/api/trials/${id}/fail`,
      release: (id: string) => `/api/trials/${id}/release`,
    };
    for (const test of cases) {
      const type = test.type ?? "application/json";
      const fast = await call(test.path ?? paths[test.op](test.id), test.body, { "content-type": type });
      const next = await viaNext(test.op, test.id, test.body, type);
      const label = `${test.op} ${test.id} ${test.body.slice(0, 60)}`;
      expect(fast.status, label).toBeGreaterThanOrEqual(400);
      expect(fast.status, label).toBeLessThan(500);
      expect({ status: fast.status, body: fast.body }, label).toEqual(next);
    }
    // Too large: refused with 413 whether or not the length is declared up front.
    const huge = JSON.stringify({ token, message: "x".repeat(1024 * 1024 + 10) });
    const declared = await call(`/api/trials/no-such-trial/fail`, huge);
    expect(declared.status).toBe(413);
    const streamed = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        { agent, host: "127.0.0.1", port, path: `/api/trials/no-such-trial/fail`, method: "POST", headers: { "content-type": "application/json" } },
        (response) => {
          response.resume();
          resolve(response.statusCode!);
        },
      );
      request.on("error", reject);
      request.end(huge);
    });
    expect(streamed).toBe(413);
  });

  it("leaves every other request to Next", async () => {
    expect(fastRouteFor("GET", "/api/sweeps/abc/claim")).toBeNull();
    expect(fastRouteFor("POST", "/api/sweeps/abc/claim/extra")).toBeNull();
    expect(fastRouteFor("POST", "/api/sweeps")).toBeNull();
    expect(fastRouteFor("POST", "/api/sweeps/abc/cancel")).toBeNull();
    expect(fastRouteFor("POST", "/api/sweeps/abc/claim?x=1")?.id).toBe("abc");
    expect((await call("/api/sweeps/abc/cancel", "{}")).status).toBe(NOT_FAST);
    expect((await call("/api/sweeps/abc/claim", "", {}, "GET")).status).toBe(NOT_FAST);
    expect((await call("/", "", {}, "GET")).status).toBe(NOT_FAST);
  });

  it("holds back repeated malformed calls on one connection, and only there", async () => {
    const db = await getDb();
    const { sweep } = await createSweep(db, config("slowdown", 1));
    slowdown = { firstDelayMs: 150, maxDelayMs: 600, perAddressPerSecond: 1000, addressWindowMs: 1000 };
    const one = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const other = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const bad = async (via: http.Agent) => {
        const begin = performance.now();
        const reply = await call(`/api/sweeps/${sweep.id}/claim`, "{not json", { "content-type": "application/json" }, "POST", via);
        return { ...reply, ms: performance.now() - begin };
      };
      const first = await bad(one);
      expect(first.status).toBe(400);
      expect(first.ms).toBeGreaterThanOrEqual(149);
      const second = await bad(one);
      expect({ status: second.status, body: second.body }).toEqual({ status: 400, body: first.body });
      expect(second.ms).toBeGreaterThanOrEqual(299); // doubled
      expect((await bad(one)).ms).toBeGreaterThanOrEqual(599); // doubled again, at the cap
      // The other connection's first bad call waits only the first delay (150 to 225 ms): it is answered before
      // this one's fourth (600 to 900 ms).
      const order: string[] = [];
      await Promise.all([bad(one).then(() => order.push("one")), bad(other).then(() => order.push("other"))]);
      expect(order).toEqual(["other", "one"]);
      // A well-formed call clears the count: `one` is back to the first delay, shorter than `other`'s second (300 to 450 ms).
      const claim = await call(`/api/sweeps/${sweep.id}/claim`, JSON.stringify({ workerId: "reformed" }), undefined, "POST", one);
      expect(claim.status).toBe(200);
      order.length = 0;
      await Promise.all([bad(one).then(() => order.push("one")), bad(other).then(() => order.push("other"))]);
      expect(order).toEqual(["one", "other"]);
    } finally {
      slowdown = null;
      one.destroy();
      other.destroy();
    }
  });

  it("holds back a client that opens a new connection for every bad call, by its address, and never a good call", async () => {
    const db = await getDb();
    const { sweep } = await createSweep(db, config("slowdown by address", 2));
    // A long window: the test's calls all fall in it however slowly this machine runs them.
    slowdown = { firstDelayMs: 1, maxDelayMs: 400, perAddressPerSecond: 5, addressWindowMs: 60_000 };
    forgetAddressStrikes(); // the bad calls of earlier tests came from this address too
    try {
      // agent: false is a fresh connection per call, so no connection ever has more than one strike.
      const fresh = async (body: string) => {
        const begin = performance.now();
        const reply = await new Promise<number>((resolve, reject) => {
          const request = http.request(
            {
              agent: false,
              host: "127.0.0.1",
              port,
              path: `/api/sweeps/${sweep.id}/claim`,
              method: "POST",
              headers: { "content-type": "application/json" },
            },
            (response) => {
              response.resume();
              resolve(response.statusCode!);
            },
          );
          request.on("error", reject);
          request.end(body);
        });
        return { status: reply, ms: performance.now() - begin };
      };
      const early = [];
      for (let i = 0; i < 5; i++) early.push(await fresh("{not json"));
      expect(early.map((reply) => reply.status)).toEqual([400, 400, 400, 400, 400]);
      // The sixth within the second is past the address's allowance: the longest delay, on a new connection too.
      const sixth = await fresh("{not json");
      expect(sixth.status).toBe(400);
      expect(sixth.ms).toBeGreaterThanOrEqual(399);
      // A good call from the same address, in the same window, is not held: it is answered before a held bad one.
      const order: string[] = [];
      await Promise.all([
        fresh("{not json").then(() => order.push("bad")),
        fresh(JSON.stringify({ workerId: "same-address" })).then((reply) => {
          expect(reply.status).toBe(200);
          order.push("good");
        }),
      ]);
      expect(order).toEqual(["good", "bad"]);
    } finally {
      slowdown = null;
    }
  });

  it("counts IPv4 addresses as they are and IPv6 ones by their /64", () => {
    expect(addressGroup("203.0.113.7")).toBe("203.0.113.7");
    expect(addressGroup("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressGroup("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(addressGroup("2001:DB8:1:2::99")).toBe("2001:db8:1:2::/64");
    expect(addressGroup("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressGroup("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressGroup("::1")).toBe("0:0:0:0::/64");
  });

  it("behind a trusted proxy counts only the address, not the proxy's pooled connections", async () => {
    const db = await getDb();
    const { sweep } = await createSweep(db, config("behind a proxy", 1));
    slowdown = { firstDelayMs: 100, maxDelayMs: 800, perAddressPerSecond: 1000, addressWindowMs: 1000 };
    process.env.INFLATION_LAB_TRUST_PROXY = "1";
    const pooled = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const bad = (client: string) =>
        call(`/api/sweeps/${sweep.id}/claim`, "{not json", { "content-type": "application/json", "x-forwarded-for": client }, "POST", pooled);
      // Three different clients' bad calls on one pooled connection: none inherits the others' strikes.
      await bad("198.51.100.1");
      await bad("198.51.100.2");
      const order: string[] = [];
      await Promise.all([
        bad("198.51.100.3").then(() => order.push("third")), // 100 to 150 ms, not the 400 to 600 of a third strike
        new Promise((resolve) => setTimeout(resolve, 350)).then(() => order.push("timer")),
      ]);
      expect(order).toEqual(["third", "timer"]);
    } finally {
      delete process.env.INFLATION_LAB_TRUST_PROXY;
      slowdown = null;
      pooled.destroy();
    }
  });

  it("counts a guessed lease token as malformed, but not a lease lost in a race", async () => {
    const db = await getDb();
    const { sweep } = await createSweep(db, config("guessed token", 1));
    slowdown = { firstDelayMs: 300, maxDelayMs: 300, perAddressPerSecond: 1000, addressWindowMs: 1000 };
    const one = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const claim = await call(`/api/sweeps/${sweep.id}/claim`, JSON.stringify({ workerId: "racer" }), undefined, "POST", one);
      const { id } = claim.body.trial;
      const begin = performance.now();
      const guessed = await call(`/api/trials/${id}/heartbeat`, JSON.stringify({ token: "g".repeat(32) }), undefined, "POST", one);
      expect(guessed.status).toBe(409);
      expect(guessed.body.error).toBe("this token holds no lease on this trial");
      expect(performance.now() - begin).toBeGreaterThanOrEqual(299);
      // The real token after its lease was released: a lost lease, answered before a 250 ms timer (not held 300 ms).
      const released = await call(`/api/trials/${id}/release`, JSON.stringify({ token: claim.body.lease.token }), undefined, "POST", one);
      expect(released.status).toBe(200);
      const order: string[] = [];
      await Promise.all([
        call(`/api/trials/${id}/heartbeat`, JSON.stringify({ token: claim.body.lease.token }), undefined, "POST", one).then((reply) => {
          expect(reply.status).toBe(409);
          expect(reply.body.error).toMatch(/no longer held/);
          order.push("lost");
        }),
        new Promise((resolve) => setTimeout(resolve, 250)).then(() => order.push("timer")),
      ]);
      expect(order).toEqual(["lost", "timer"]);
    } finally {
      slowdown = null;
      one.destroy();
    }
  });

  it("counts a client by the connection's peer, or by what a trusted proxy saw", () => {
    const request = (forwarded?: string) => ({
      headers: forwarded === undefined ? {} : { "x-forwarded-for": forwarded },
      socket: { remoteAddress: "10.0.0.2" },
    });
    const trusted = { INFLATION_LAB_TRUST_PROXY: "1" } as unknown as NodeJS.ProcessEnv;
    const untrusted = {} as NodeJS.ProcessEnv;
    expect(clientAddress(request("203.0.113.7") as never, untrusted)).toBe("10.0.0.2"); // anyone can send the header
    expect(clientAddress(request() as never, trusted)).toBe("10.0.0.2");
    expect(clientAddress(request("203.0.113.7") as never, trusted)).toBe("203.0.113.7");
    // The client may prepend whatever it likes; the proxy's own entry is the last.
    expect(clientAddress(request("1.2.3.4, 203.0.113.7") as never, trusted)).toBe("203.0.113.7");
  });

  it("reads the slow-down policy from the environment and doubles the delay up to its cap", () => {
    expect(malformedSlowdownFromEnv({})).toEqual({ firstDelayMs: 50, maxDelayMs: 1000, perAddressPerSecond: 20, addressWindowMs: 1000 });
    expect(malformedSlowdownFromEnv({ INFLATION_LAB_MALFORMED_DELAY_MS: "0" })).toBeNull();
    expect(malformedSlowdownFromEnv({ INFLATION_LAB_MALFORMED_DELAY_MS: "250" })).toMatchObject({ firstDelayMs: 50, maxDelayMs: 250 });
    expect(malformedSlowdownFromEnv({ INFLATION_LAB_MALFORMED_DELAY_MS: "20" })).toMatchObject({ firstDelayMs: 20, maxDelayMs: 20 });
    expect(() => malformedSlowdownFromEnv({ INFLATION_LAB_MALFORMED_DELAY_MS: "soon" })).toThrow(
      /expected a number of milliseconds from 0 to 60000, got "soon"/,
    );
    // setTimeout would fire at once for 2^31 ms and more: refused.
    expect(() => malformedSlowdownFromEnv({ INFLATION_LAB_MALFORMED_DELAY_MS: "3000000000" })).toThrow(/from 0 to 60000/);
    const policy = { firstDelayMs: 50, maxDelayMs: 1000, perAddressPerSecond: 20, addressWindowMs: 1000 };
    const steps = [1, 2, 3, 4, 5, 6, 50];
    expect(steps.map((strikes) => malformedDelayMs(strikes, policy, () => 0))).toEqual([50, 100, 200, 400, 800, 1000, 1000]);
    expect(steps.map((strikes) => malformedDelayMs(strikes, policy, () => 0.5))).toEqual([62.5, 125, 250, 500, 1000, 1250, 1250]);
    for (const strikes of steps) {
      const delay = malformedDelayMs(strikes, policy);
      expect(delay).toBeGreaterThanOrEqual(malformedDelayMs(strikes, policy, () => 0));
      expect(delay).toBeLessThan(1.5 * malformedDelayMs(strikes, policy, () => 0));
    }
    expect(malformedDelayMs(5, null)).toBe(0);
  });

  it("a flood of malformed calls gets 4xx while honest workers finish every trial exactly once", async () => {
    const db = await getDb();
    const { sweep } = await createSweep(db, config("flood", 20));
    let honestDone = false;
    const abusive = [
      () => call(`/api/sweeps/${sweep.id}/claim`, "{not json"),
      () => call(`/api/sweeps/${sweep.id}/claim`, JSON.stringify({ workerId: "!!" })),
      () => call(`/api/sweeps/${sweep.id}/claim`, "{}", { "content-type": "text/html" }),
      () => call(`/api/trials/${"x".repeat(30)}/complete`, JSON.stringify({ token: "t".repeat(32), result: { linearProbeAccuracy: 2 } })),
      () => call(`/api/trials/%ZZ/heartbeat`, "{}"),
    ];
    const abuseStatuses: number[] = [];
    const abusers = Array.from({ length: 20 }, async (_, index) => {
      for (let i = index; !honestDone; i++) abuseStatuses.push((await abusive[i % abusive.length]!()).status);
    });
    const accepted = new Map<string, number>();
    const workers = Array.from({ length: 8 }, async (_, index) => {
      for (;;) {
        const claim = await call(`/api/sweeps/${sweep.id}/claim`, JSON.stringify({ workerId: `honest-${index}` }));
        expect(claim.status).toBe(200);
        if (!claim.body.trial) return;
        const { id } = claim.body.trial;
        expect((await call(`/api/trials/${id}/heartbeat`, JSON.stringify({ token: claim.body.lease.token }))).status).toBe(200);
        const accuracy = accepted.size / 100;
        const done = await call(`/api/trials/${id}/complete`, JSON.stringify({ token: claim.body.lease.token, result: result(accuracy) }));
        expect(done.status).toBe(201);
        expect(accepted.has(id)).toBe(false);
        accepted.set(id, accuracy);
      }
    });
    await Promise.all(workers);
    honestDone = true;
    await Promise.all(abusers);
    expect(abuseStatuses.length).toBeGreaterThan(40);
    expect(abuseStatuses.filter((status) => status < 400 || status >= 500)).toEqual([]);
    const trials = await db.trial.findMany({ where: { sweepId: sweep.id }, include: { attempts: true } });
    expect(trials).toHaveLength(40);
    for (const trial of trials) {
      expect(trial.status).toBe("done");
      expect(trial.attempts.filter((attempt) => attempt.status === "done")).toHaveLength(1);
      expect(trial.linearAcc).toBe(accepted.get(trial.id));
    }
  });
});
