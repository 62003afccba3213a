import { cookies } from "next/headers";
import Link from "next/link";
import { ownedSecretsFromCookies } from "@/lib/api/links";
import { getDb } from "@/lib/db/client";
import { listOwnedSweeps } from "@/lib/repo/sweeps";
import { QuickDemoButton } from "./_components/QuickDemoButton";
import { StatusBar } from "./_components/StatusBar";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const db = await getDb();
  const sweeps = await listOwnedSweeps(db, ownedSecretsFromCookies((await cookies()).getAll()));
  return (
    <>
      <h1>Inflation Lab</h1>
      <p className="lede">
        Adding generated images to a contrastive learner&apos;s training data can help or hurt, depending on how strongly
        you augment and how you weight real against generated data. Define a grid of augmentation strength × mix ratio ×
        seeds, train small SimCLR models in any number of browsers, and share the answer as a link.
      </p>
      <p className="row" style={{ margin: "1.2rem 0" }}>
        <Link href="/sweeps/new" className="button primary">
          New sweep
        </Link>
        <QuickDemoButton />
        <span className="muted small">12 short trials (4 strengths × 3 mix ratios), then press Run on the sweep page.</span>
      </p>
      <section className="panel" aria-labelledby="my-sweeps">
        <h2 id="my-sweeps" style={{ marginTop: 0 }}>
          Sweeps created in this browser
        </h2>
        {sweeps.length === 0 ? (
          <p className="empty">
            No sweeps yet. <Link href="/sweeps/new">Create one</Link>: the default form is a ready-to-run quick demo.
          </p>
        ) : (
          <ul className="sweep-list">
            {sweeps.map((sweep) => (
              <li key={sweep.id}>
                <div>
                  <Link href={`/sweeps/${sweep.id}`}>
                    <strong>{sweep.name}</strong>
                  </Link>
                  <div className="muted small">
                    {sweep.trialCount} trials · created {new Date(sweep.createdAt).toISOString().slice(0, 16).replace("T", " ")} UTC
                    {sweep.description ? ` · ${sweep.description}` : ""}
                  </div>
                </div>
                <div>
                  <StatusBar counts={sweep.counts} label={`${sweep.name} progress`} />
                  <div className="muted small">
                    {sweep.counts.done} / {sweep.counts.total} done
                  </div>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
