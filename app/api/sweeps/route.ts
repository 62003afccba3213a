import { getDb } from "@/lib/db/client";
import { ownedSecretsFromCookieHeader, shareLinks } from "@/lib/api/links";
import { ownerCookieName, parseBody } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { configFromCreateRequest, createSweepRequestSchema } from "@/lib/api/sweep-requests";
import { checkDataRefs } from "@/lib/repo/datasets";
import { createSweep, listOwnedSweeps } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";

/**
 * Creates a sweep from `{config}` or `{spec}`. The owner secret is returned
 * once and set as an httpOnly cookie for the creating browser; only its hash
 * is stored.
 */
export const POST = route(async (request) => {
  const config = configFromCreateRequest(await parseBody(request, createSweepRequestSchema));
  const db = await getDb();
  await checkDataRefs(db, config);
  const { sweep, ownerSecret } = await createSweep(db, config);
  const response = json({ sweep, ownerSecret, ...shareLinks(request, sweep) }, { status: 201 });
  response.cookies.set(ownerCookieName(sweep.id), ownerSecret, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
    secure: new URL(request.url).protocol === "https:",
  });
  return response;
});

/** The sweeps this browser created (it holds their owner cookies). */
export const GET = route(async (request) => {
  const db = await getDb();
  const sweeps = await listOwnedSweeps(db, ownedSecretsFromCookieHeader(request.headers.get("cookie") ?? ""));
  return json({ sweeps });
});
