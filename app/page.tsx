import { cookies } from "next/headers";
import Link from "next/link";
import { ownedSecretsFromCookies } from "@/lib/api/links";
import { getDb } from "@/lib/db/client";
import { listExampleSweeps } from "@/lib/repo/examples";
import { listOwnedSweeps } from "@/lib/repo/sweeps";
import type { SweepView } from "@/lib/contracts/views";
import { QuickDemoButton } from "./_components/QuickDemoButton";
import { StatusBar } from "./_components/StatusBar";

export const dynamic = "force-dynamic";

function SweepListItem({ sweep, href, detail }: { sweep: SweepView; href: string; detail?: string }) {
  return (
    <li>
      <div>
        <Link href={href}>
          <strong>{sweep.name}</strong>
        </Link>
        <div className="muted small">{[`${sweep.trialCount} trials`, detail, sweep.description].filter(Boolean).join(" · ")}</div>
      </div>
      <div>
        <StatusBar counts={sweep.counts} label={`${sweep.name} progress`} />
        <div className="muted small">
          {sweep.counts.done} / {sweep.counts.total} done
        </div>
      </div>
    </li>
  );
}

export default async function HomePage() {
  const db = await getDb();
  const [sweeps, examples] = await Promise.all([
    listOwnedSweeps(db, ownedSecretsFromCookies((await cookies()).getAll())),
    listExampleSweeps(db).catch(() => []),
  ]);
  // A newcomer (no sweeps of their own yet) sees the finished examples first.
  const exampleSection =
    examples.length > 0 ? (
      <section className="panel" aria-labelledby="example-sweeps" data-testid="example-sweeps">
        <h2 id="example-sweeps" style={{ marginTop: 0 }}>
          Finished example sweeps
        </h2>
        <p className="muted small">
          Reference sweeps trained with this app and shipped with it (read-only): heatmaps, trade-off curves, the optimum shift and the AdaInf
          comparison, before you train anything. docs/findings.md explains them and how to reproduce each with <code>npm run reproduce</code>.
        </p>
        <ul className="sweep-list">
          {examples.map((sweep) => (
            <SweepListItem key={sweep.id} sweep={sweep} href={`/s/${sweep.shareId}`} />
          ))}
        </ul>
      </section>
    ) : null;
  return (
    <>
      <h1>Inflation Lab</h1>
      <p className="lede">
        Adding generated images to a contrastive learner&apos;s training data can help or hurt, depending on how strongly you augment and how you
        weight real against generated data. Define a grid of augmentation strength × mix ratio × seeds, train small SimCLR models in any number of
        browsers, and share the answer as a link.
      </p>
      <p className="row" style={{ margin: "1.2rem 0" }}>
        <Link href="/sweeps/new" className="button primary">
          New sweep
        </Link>
        <QuickDemoButton />
        <span className="muted small">12 short trials (4 strengths × 3 mix ratios), then press Run on the sweep page.</span>
      </p>
      {sweeps.length === 0 ? exampleSection : null}
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
              <SweepListItem
                key={sweep.id}
                sweep={sweep}
                href={`/sweeps/${sweep.id}`}
                detail={`created ${new Date(sweep.createdAt).toISOString().slice(0, 16).replace("T", " ")} UTC`}
              />
            ))}
          </ul>
        )}
      </section>
      {sweeps.length > 0 ? exampleSection : null}
    </>
  );
}
