import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { ownedSecretsFromCookieHeader, publicSweep } from "./links";
import { checkId, DEFAULT_BODY_LIMIT, ownerSecretFrom, parseQuery, readCookie, readJson } from "./request";
import { errorResponse } from "./respond";
import { trialListQuerySchema } from "./sweep-requests";
import type { SweepView } from "@/lib/contracts/views";

function post(body: string | null, headers: Record<string, string> = { "content-type": "application/json" }) {
  return new Request("http://localhost/x", { method: "POST", headers, ...(body === null ? {} : { body }) });
}

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 0;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).status;
  }
}

describe("readJson", () => {
  it("parses JSON objects and accepts JSON-ish content types", async () => {
    expect(await readJson(post('{"a":[1,"b"]}'))).toEqual({ a: [1, "b"] });
    for (const contentType of ["application/json; charset=utf-8", "application/vnd.api+json", "text/plain;charset=UTF-8", "APPLICATION/JSON"]) {
      expect(await readJson(post('{"ok":true}', { "content-type": contentType })), contentType).toEqual({ ok: true });
    }
    expect(await readJson(post('{"ok":true}', {}))).toEqual({ ok: true });
  });

  it("refuses other content types, empty bodies and invalid JSON with a 400", async () => {
    for (const contentType of ["text/html", "application/xml", "application/jsonp", "multipart/form-data"]) {
      expect(await statusOf(readJson(post("{}", { "content-type": contentType }))), contentType).toBe(400);
    }
    expect(await statusOf(readJson(post("")))).toBe(400);
    expect(await statusOf(readJson(post(null)))).toBe(400);
    expect(await statusOf(readJson(post(" \n\t ")))).toBe(400);
    expect(await readJson(post(""), { emptyAsObject: true })).toEqual({});
    expect(await readJson(post(null), { emptyAsObject: true })).toEqual({});
    for (const bad of ["{", "{'a':1}", "[1,]", "undefined", "NaN", '{"a":1}x']) {
      expect(await statusOf(readJson(post(bad))), bad).toBe(400);
    }
  });

  it("refuses NUL characters and unpaired surrogates anywhere, but not their look-alikes", async () => {
    for (const bad of [
      '"\\u0000"',
      '{"a":"x\\u0000"}',
      '{"a\\u0000":1}',
      '[[["\\u0000"]]]',
      '{"a":"\\ud800"}',
      '{"a":"\\udc00x"}',
      '{"\\udbff":1}',
      '["\\ud800\\ud800\\udc00"]',
    ]) {
      expect(await statusOf(readJson(post(bad))), bad).toBe(400);
    }
    // A backslash followed by "u0000" and a proper surrogate pair are ordinary text.
    expect(await readJson(post('{"a":"\\\\u0000"}'))).toEqual({ a: "\\u0000" });
    expect(await readJson(post('{"a":"\\ud83d\\ude00"}'))).toEqual({ a: "\u{1F600}" });
  });

  it("handles very deep and very wide JSON without overflowing the stack", async () => {
    const deep = `${"[".repeat(200_000)}"\\u0000"${"]".repeat(200_000)}`;
    expect(await statusOf(readJson(post(deep)))).toBe(400);
    const wide = `[${'"a",'.repeat(200_000)}"\\u0000"]`;
    expect(await statusOf(readJson(post(wide)))).toBe(400);
    const wideOk = `[${"0,".repeat(400_000)}0]`;
    expect(((await readJson(post(wideOk))) as unknown[]).length).toBe(400_001);
  });

  it("enforces the size limit on the bytes actually sent", async () => {
    const justUnder = `"${"x".repeat(DEFAULT_BODY_LIMIT - 2)}"`;
    expect(((await readJson(post(justUnder))) as string).length).toBe(DEFAULT_BODY_LIMIT - 2);
    expect(await statusOf(readJson(post(`${justUnder} `)))).toBe(413);
    expect(await statusOf(readJson(post("[1, 2, 3]"), { limitBytes: 4 }))).toBe(413);
    // Multi-byte characters count as bytes, not as UTF-16 units.
    expect(await statusOf(readJson(post(`"${"é".repeat(3)}"`), { limitBytes: 6 }))).toBe(413);
  });
});

describe("ids, owner secrets and cookies", () => {
  it("checkId turns ids that cannot exist into a 404", () => {
    expect(checkId("abc_DEF-123", "sweep")).toBe("abc_DEF-123");
    for (const bad of ["", "a".repeat(65), "..%2F", "../x", "a b", "ü", "a/b", "a.b", "%00"]) {
      expect(() => checkId(bad, "sweep"), bad).toThrow(expect.objectContaining({ status: 404, message: "sweep not found" }));
    }
  });

  it("ownerSecretFrom prefers the header, then a bearer token, then this sweep's cookie", () => {
    const request = (headers: Record<string, string>) => new Request("http://localhost/x", { headers });
    const cookie = "il_owner_other=nope; il_owner_s1=from%20cookie";
    expect(ownerSecretFrom(request({ cookie }), "s1")).toBe("from cookie");
    expect(ownerSecretFrom(request({ cookie }), "s2")).toBeUndefined();
    expect(ownerSecretFrom(request({ cookie, authorization: "Bearer tok" }), "s1")).toBe("tok");
    expect(ownerSecretFrom(request({ cookie, authorization: "bearer   tok" }), "s1")).toBe("tok");
    expect(ownerSecretFrom(request({ cookie, authorization: "Basic dXNlcjpwYXNz" }), "s1")).toBe("from cookie");
    expect(ownerSecretFrom(request({ cookie, authorization: "Bearer tok", "x-owner-secret": "hdr" }), "s1")).toBe("hdr");
    expect(ownerSecretFrom(request({}), "s1")).toBeUndefined();
  });

  it("refuses cookie-authenticated writes from other sites and with non-JSON bodies, but not scripts with the header", () => {
    const write = (headers: Record<string, string>) =>
      new Request("http://127.0.0.1:3000/api/sweeps/s1/cancel", { method: "POST", headers: { cookie: "il_owner_s1=secret", ...headers } });
    const json = { "content-type": "application/json" };
    expect(ownerSecretFrom(write({ ...json, "sec-fetch-site": "same-origin" }), "s1")).toBe("secret");
    expect(ownerSecretFrom(write({ ...json, origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }), "s1")).toBe("secret");
    expect(ownerSecretFrom(write({}), "s1")).toBe("secret");
    for (const site of ["cross-site", "same-site"]) {
      expect(() => ownerSecretFrom(write({ ...json, "sec-fetch-site": site }), "s1")).toThrow(expect.objectContaining({ status: 403 }));
    }
    expect(() => ownerSecretFrom(write({ ...json, origin: "https://evil.example", host: "127.0.0.1:3000" }), "s1")).toThrow(
      expect.objectContaining({ status: 403, message: expect.stringContaining("https://evil.example") }),
    );
    for (const type of ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      expect(() => ownerSecretFrom(write({ "content-type": type, "sec-fetch-site": "same-origin" }), "s1"), type).toThrow(
        expect.objectContaining({ status: 400, message: expect.stringContaining("content-type: application/json") }),
      );
    }
    // Reads are not writes; a script sending the secret itself is not riding on a cookie.
    const read = new Request("http://x/api/sweeps/s1", { headers: { cookie: "il_owner_s1=secret", "sec-fetch-site": "cross-site" } });
    expect(ownerSecretFrom(read, "s1")).toBe("secret");
    expect(ownerSecretFrom(write({ "x-owner-secret": "hdr", "sec-fetch-site": "cross-site", "content-type": "text/plain" }), "s1")).toBe("hdr");
  });

  it("readCookie and ownedSecretsFromCookieHeader survive malformed cookies", () => {
    expect(readCookie("a=1; b=%zz; c", "b")).toBe("%zz");
    expect(readCookie("=x; a=1", "")).toBeUndefined();
    expect(readCookie("a = 1 ", "a")).toBe("1");
    const owned = ownedSecretsFromCookieHeader("il_owner_a=1; il_owner_b=%E2%82%AC; broken; il_owner_c=%; theme=dark; ;;");
    expect([...owned]).toEqual([
      ["a", "1"],
      ["b", "\u20ac"],
      ["c", "%"],
    ]);
  });
});

describe("query parsing and error responses", () => {
  it("parses trial list queries with defaults and refuses bad values", () => {
    const parse = (query: string) => parseQuery(new Request(`http://localhost/x${query}`), trialListQuerySchema);
    expect(parse("")).toEqual({ limit: 2000, offset: 0 });
    expect(parse("?status=done&limit=5&offset=2")).toEqual({ status: "done", limit: 5, offset: 2 });
    for (const bad of ["?status=bogus", "?limit=0", "?limit=2001", "?limit=x", "?offset=-1", "?offset=0.5", "?other=1"]) {
      expect(() => parse(bad), bad).toThrow(z.ZodError);
    }
  });

  it("maps zod errors to 422 with paths and unknown errors to a bare 500", async () => {
    const zodFailure = z.strictObject({ a: z.number() }).safeParse({ a: "x", b: 1 });
    expect(zodFailure.success).toBe(false);
    const validation = errorResponse(zodFailure.error);
    expect(validation.status).toBe(422);
    const body = await validation.json();
    expect(body.details.map((issue: { path: string }) => issue.path).sort()).toEqual(["a", "b"]);

    const original = console.error;
    console.error = () => {};
    try {
      const internal = errorResponse(new Error("secret database detail"));
      expect(internal.status).toBe(500);
      expect(await internal.json()).toEqual({ error: "internal error", details: null });
    } finally {
      console.error = original;
    }
  });

  it("publicSweep drops only the id", () => {
    const sweep = { id: "internal", shareId: "public", name: "n" } as unknown as SweepView;
    expect(publicSweep(sweep)).toEqual({ shareId: "public", name: "n" });
  });
});
