import { leaseOperations, nextRoute } from "@/lib/api/lease-handlers";

export const dynamic = "force-dynamic";

/** See lib/api/lease-handlers.ts; the production server answers this route without Next's router (lib/api/fast-path.ts). */
export const POST = nextRoute(leaseOperations.fail);
