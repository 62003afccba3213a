import "server-only";
import { getDb, type Db } from "@/lib/db/client";
import { assertOwner } from "@/lib/repo/sweeps";
import { checkId, ownerSecretFrom } from "./request";
import { route } from "./respond";

/** What an owner-only handler gets: the checked sweep id, the database, and the secret that proved ownership. */
export interface Owned {
  db: Db;
  sweepId: string;
  secret: string;
}

type Context = { params: Promise<{ id: string }> };

/**
 * A handler under /api/sweeps/:id that only the sweep's owner may call. The
 * id is checked and the owner secret (header, Bearer token, or this
 * browser's cookie under the same-site rules of ownerSecretFrom) verified
 * before the handler runs, so nobody else's request body is ever read.
 * Errors become responses as in `route`.
 */
export function ownerRoute<R extends Response>(handler: (request: Request, owned: Owned) => Promise<R>) {
  return route(async (request: Request, { params }: Context) => {
    const sweepId = checkId((await params).id, "sweep");
    const db = await getDb();
    const secret = ownerSecretFrom(request, sweepId);
    await assertOwner(db, sweepId, secret);
    return handler(request, { db, sweepId, secret: secret! });
  });
}
