import { cookies } from "next/headers";
import { getDb } from "@/lib/db/client";
import { parseBody, ownerCookieName } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { configFromCreateRequest, createSweepRequestSchema } from "@/lib/api/sweep-requests";
import { createSweep, listOwnedSweeps } from "@/lib/repo/sweeps";
import { ownedSecretsFromCookies, shareLinks } from "@/lib/api/links";

export const dynamic = "force-dynamic";

export const POST = route(async (request) => {
  const config = configFromCreateRequest(await parseBody(request, createSweepRequestSchema));
  const db = await getDb();
  const { sweep, ownerSecret } = await createSweep(db, config);
  const jar = await cookies();
  jar.set(ownerCookieName(sweep.id), ownerSecret, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
    secure: new URL(request.url).protocol === "https:",
  });
  return json({ sweep, ownerSecret, ...shareLinks(request, sweep) }, { status: 201 });
});

/** The sweeps this browser created (it holds their owner cookies). */
export const GET = route(async () => {
  const db = await getDb();
  const sweeps = await listOwnedSweeps(db, ownedSecretsFromCookies((await cookies()).getAll()));
  return json({ sweeps });
});
